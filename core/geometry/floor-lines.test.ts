import { describe, expect, it } from 'vitest';
import { crossesLine, distanceToLine, type FloorLine } from './floor-lines.ts';

const gate: FloorLine = [
  [0.2, 1],
  [1.8, 1],
];

describe('floor lines', () => {
  it('a step through the segment crosses it; beside it, along it or stopping on it does not', () => {
    expect(crossesLine([1, 0.9], [1, 1.1], gate)).toBe(true);
    expect(crossesLine([1, 1.1], [1, 0.9], gate)).toBe(true);
    expect(crossesLine([2, 0.9], [2, 1.1], gate)).toBe(false);
    expect(crossesLine([0.5, 1], [1.5, 1], gate)).toBe(false);
    expect(crossesLine([1, 0.9], [1, 1], gate)).toBe(false);
  });

  it('measures the distance to the nearest point of the segment', () => {
    expect(distanceToLine(1, 1.5, gate)).toBeCloseTo(0.5);
    expect(distanceToLine(2.1, 1.4, gate)).toBeCloseTo(0.5);
    expect(distanceToLine(1, 1, [gate[0], gate[0]])).toBeCloseTo(0.8);
  });
});
