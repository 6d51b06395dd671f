import { describe, expect, it } from 'vitest';
import { BusyHands } from './busy-hands.ts';

describe('busy hands', () => {
  it('a confident actor is busy for events on other plates during most of its window', () => {
    const h = new BusyHands();
    h.note(['g1.s1.p8', 'g1.s1.p9'], 10_000, 11_500, 't7', 0.93);
    // Same moment, other plates: busy.
    expect([...h.busy(['g1.s1.p6'], 10_100, 11_600)]).toEqual(['t7']);
    // Its own plates: the event itself (or a re-decision of it), never busy.
    expect(h.busy(['g1.s1.p9'], 10_000, 11_500).size).toBe(0);
    // A hand moving on: the windows overlap by less than half the shorter one.
    expect(h.busy(['g1.s2.p1'], 11_200, 13_000).size).toBe(0);
    expect(h.busy(['g1.s2.p1'], 12_000, 13_000).size).toBe(0);
  });

  it('an unsure attribution makes nobody busy and withdraws an earlier one of the same event', () => {
    const h = new BusyHands();
    h.note(['g2.s3.p1'], 5000, 6000, 't3', 0.6);
    expect(h.busy(['g2.s3.p4'], 5000, 6000).size).toBe(0);
    h.note(['g2.s3.p1'], 5000, 6000, 't3', 0.95);
    expect(h.busy(['g2.s3.p4'], 5000, 6000).size).toBe(1);
    h.note(['g2.s3.p1'], 5000, 6000, 't4', 0.5);
    expect(h.busy(['g2.s3.p4'], 5000, 6000).size).toBe(0);
    expect(h.acts).toEqual([]);
  });

  it('forgets acts 30 s after they ended', () => {
    const h = new BusyHands();
    h.note(['g2.s3.p1'], 5000, 6000, 't3', 0.99);
    h.prune(30_000);
    expect(h.acts).toHaveLength(1);
    h.prune(36_001);
    expect(h.acts).toHaveLength(0);
  });
});
