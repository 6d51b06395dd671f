import { describe, expect, it } from 'vitest';
import { EncounterBook } from './encounters.ts';
import type { Track } from './track-manager.ts';

function track(id: string, sessionId: string, x: number): Track {
  return {
    id,
    sessionId,
    x,
    y: 5,
    vx: 0,
    vy: 0,
    facing: undefined,
    lastT: 0,
    bornAt: 0,
    hits: 1,
    exited: false,
    wrists: [{ t: 500, p: [x, 5, 1], tri: true }],
    path: [[500, x, 5]],
    rays: {},
  };
}

/** Drives two tracks through alone → side by side → apart, each measured with the given heights. */
function meet(before: [number, number], after: [number, number]) {
  const book = new EncounterBook({ meet: 0.35, part: 0.6 });
  const a = track('ta', 's-a', 2);
  const b = track('tb', 's-b', 4);
  const heights = (t: number, ha: number, hb: number) => {
    a.lastT = t;
    b.lastT = t;
    a.recentHeights = [...(a.recentHeights ?? []), [t, ha, 1]];
    b.recentHeights = [...(b.recentHeights ?? []), [t, hb, 1]];
  };
  let t = 0;
  for (; t < 3000; t += 100) {
    heights(t, before[0], before[1]);
    book.check(t, [a, b]);
  }
  a.x = 3;
  b.x = 3.1;
  for (; t < 4000; t += 100) {
    a.lastT = t;
    b.lastT = t;
    book.check(t, [a, b]);
  }
  expect(book.open).toHaveLength(1);
  a.x = 2;
  b.x = 4;
  for (; t < 6000; t += 100) {
    heights(t, after[0], after[1]);
    book.check(t, [a, b]);
  }
  return { book, a, b };
}

describe('close passes resolved by body height', () => {
  it('tracks that came out with each other’s people get their identities and history back', () => {
    const { book, a, b } = meet([1.62, 1.85], [1.85, 1.62]);
    expect(book.counters).toMatchObject({ encounters: 1, swapped: 1, kept: 1, ambiguous: 0 });
    expect(a.sessionId).toBe('s-b');
    expect(b.sessionId).toBe('s-a');
    // History from before the meeting stays with the person it was measured on.
    expect(a.path[0]?.[1]).toBe(4);
    expect(b.path[0]?.[1]).toBe(2);
    expect(book.open).toHaveLength(0);
  });

  it('keeps identities the heights confirm', () => {
    const { book, a } = meet([1.62, 1.85], [1.63, 1.84]);
    expect(book.counters).toMatchObject({ kept: 2, swapped: 0, ambiguous: 0 });
    expect(a.sessionId).toBe('s-a');
  });

  it('contests a pass between people of the same height: their later events go to review', () => {
    const { book, a, b } = meet([1.74, 1.76], [1.75, 1.75]);
    expect(book.counters.ambiguous).toBe(2);
    expect(a.sessionId).toBe('s-a');
    expect(a.contested).toHaveProperty('s-b');
    expect(b.contested).toHaveProperty('s-a');
  });

  it('contests heights that match neither person (someone else is involved)', () => {
    const { book, a } = meet([1.62, 1.85], [1.72, 1.72]);
    expect(book.counters.ambiguous).toBe(2);
    expect(a.contested).toHaveProperty('s-b');
  });
});
