import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign } from './assignment.ts';
import { axis, correct, predict } from './kalman.ts';

function total(cost: number[][], match: number[], unassigned: number): number {
  return match.reduce((a, j, i) => a + (j < 0 ? unassigned : (cost[i]?.[j] ?? 0)), 0);
}

/** Every injective partial assignment, by brute force. */
function bestByBruteForce(cost: number[][], cols: number, unassigned: number): number {
  let best = Number.POSITIVE_INFINITY;
  const rec = (i: number, used: Set<number>, acc: number) => {
    if (i === cost.length) {
      best = Math.min(best, acc);
      return;
    }
    rec(i + 1, used, acc + unassigned);
    for (let j = 0; j < cols; j++) {
      const c = cost[i]?.[j] ?? Number.POSITIVE_INFINITY;
      if (used.has(j) || !Number.isFinite(c)) continue;
      used.add(j);
      rec(i + 1, used, acc + c);
      used.delete(j);
    }
  };
  rec(0, new Set(), 0);
  return best;
}

describe('assign (minimum-cost matching)', () => {
  it('keeps both identities where greedy nearest-first would swap them', () => {
    // Detection 0 is closest to track 0, but then detection 1 would have to take the far track 1:
    // the cheaper total pairs 0→1 and 1→0.
    const cost = [
      [1, 2],
      [1.5, 10],
    ];
    expect(assign(cost, 2, 50)).toEqual([1, 0]);
  });

  it('leaves a detection unmatched when every track is gated out or too costly', () => {
    expect(assign([[Number.POSITIVE_INFINITY], [3]], 1, 9)).toEqual([-1, 0]);
    expect(assign([[12]], 1, 9)).toEqual([-1]);
    expect(assign([], 3, 9)).toEqual([]);
  });

  it('finds the optimum of random problems (property, against brute force)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.oneof(fc.double({ min: 0, max: 20, noNaN: true }), fc.constant(Infinity)), {
          minLength: 25,
          maxLength: 25,
        }),
        (rows, cols, flat) => {
          const cost = Array.from({ length: rows }, (_, i) =>
            Array.from({ length: cols }, (_, j) => flat[i * 5 + j] as number),
          );
          const match = assign(cost, cols, 9);
          const cols1 = match.filter((j) => j >= 0);
          expect(new Set(cols1).size).toBe(cols1.length);
          for (const [i, j] of match.entries()) if (j >= 0) expect(Number.isFinite(cost[i]?.[j])).toBe(true);
          expect(total(cost, match, 9)).toBeCloseTo(bestByBruteForce(cost, cols, 9), 9);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('constant-velocity Kalman axis', () => {
  it('learns a walking speed from noisy positions and predicts ahead', () => {
    let a = axis(0, 0.01, 1);
    // ±8 cm of deterministic jitter on a 1.2 m/s walk, 20 updates a second for 3 s.
    for (let k = 1; k <= 60; k++) {
      a = correct(predict(a, 0.05, 4), 1.2 * k * 0.05 + 0.08 * Math.sin(k * 2.3), 0.08 ** 2);
    }
    expect(a.v).toBeGreaterThan(1.0);
    expect(a.v).toBeLessThan(1.4);
    const ahead = predict(a, 0.5, 4);
    expect(ahead.p).toBeCloseTo(a.p + a.v * 0.5, 9);
    // Uncertainty grows while coasting and shrinks with a measurement.
    expect(ahead.pp).toBeGreaterThan(a.pp);
    expect(correct(ahead, ahead.p, 0.01).pp).toBeLessThan(ahead.pp);
  });
});
