import { describe, expect, it } from 'vitest';
import type { GateConfig } from '../../core/store/schema.ts';
import { type BirthSlot, bindPassages, storeSide, takeBirthSlot } from './gate-binding.ts';
import type { Track } from './track-manager.ts';

// An entry line along y = 1 at the front of a 12 × 10 m floor: the store is at y > 1.
const gate = {
  id: 'in',
  kind: 'entry',
  zone: 'entry',
  line: [
    [0.2, 1],
    [1.8, 1],
  ],
} as unknown as GateConfig;
const gates = new Map([[gate.id, gate]]);
const inside = new Map([[gate.id, storeSide(gate, { width: 12, depth: 10 })]]);

function track(id: string, path: Array<[number, number, number]>): Track {
  const last = path[path.length - 1] as [number, number, number];
  return {
    id,
    sessionId: null,
    x: last[1],
    y: last[2],
    vx: 0,
    vy: 0,
    facing: undefined,
    lastT: last[0],
    bornAt: (path[0] as [number, number, number])[0],
    hits: path.length,
    exited: false,
    wrists: [],
    path,
    rays: {},
  };
}

describe('binding entry passages to tracks', () => {
  it('waits for the person who walked in rather than taking the next one waiting at the line', () => {
    // The next shopper waits 0.3 m in front of the line, tracked; the one who just passed is not
    // tracked until 300 ms after the passage, 0.4 m inside.
    const waiting = track('t1', [
      [0, 1, 0.7],
      [1000, 1, 0.7],
    ]);
    let slots: BirthSlot[] = [{ t: 1000, sessionId: 's1', gateId: 'in' }];
    slots = bindPassages(slots, [waiting], gates, inside, 1000);
    expect(slots).toHaveLength(1);
    expect(waiting.sessionId).toBeNull();
    const walkedIn = track('t2', [[1300, 1, 1.4]]);
    waiting.lastT = 1300;
    slots = bindPassages(slots, [waiting, walkedIn], gates, inside, 1300);
    expect(slots).toHaveLength(0);
    expect(walkedIn.sessionId).toBe('s1');
    expect(waiting.sessionId).toBeNull();
  });

  it('binds the track whose path crossed the line nearest the passage time', () => {
    const early = track('t1', [
      [0, 0.5, 0.8],
      [200, 0.5, 1.2],
      [2000, 0.5, 2.2],
    ]);
    const onTime = track('t2', [
      [1800, 1.2, 0.9],
      [2000, 1.2, 1.1],
    ]);
    const slots = bindPassages(
      [{ t: 1900, sessionId: 's1', gateId: 'in' }],
      [early, onTime],
      gates,
      inside,
      2000,
    );
    expect(slots).toHaveLength(0);
    expect(onTime.sessionId).toBe('s1');
    expect(early.sessionId).toBeNull();
  });

  it('binds a passage assumed after a scan only to the one track that came in, else nobody', () => {
    const a = track('t1', [
      [900, 1, 0.8],
      [1100, 1, 1.2],
      [3000, 1, 2.5],
    ]);
    const b = track('t2', [
      [2400, 1.2, 0.8],
      [2600, 1.2, 1.2],
      [3000, 1.2, 1.6],
    ]);
    const assumed = (): BirthSlot[] => [{ t: 0, sessionId: 's1', gateId: 'in', assumed: true }];
    expect(bindPassages(assumed(), [a, b], gates, inside, 3000)).toEqual([]);
    expect([a.sessionId, b.sessionId]).toEqual([null, null]);
    expect(bindPassages(assumed(), [a], gates, inside, 3000)).toEqual([]);
    expect(a.sessionId).toBe('s1');
  });

  it('binds a passage heard late only to who plainly came in at its time', () => {
    // Both came in after the passage at 1000; heard at 4000, it binds the one 100 ms from it.
    const a = track('t1', [
      [1000, 1, 0.9],
      [1200, 1, 1.1],
      [4000, 1, 4.5],
    ]);
    const b = track('t2', [
      [2000, 1.2, 0.9],
      [2200, 1.2, 1.1],
      [4000, 1.2, 3.0],
    ]);
    const late = (): BirthSlot[] => [
      { t: 1000, sessionId: 's1', gateId: 'in', heardAt: 4000, doorLate: true },
    ];
    expect(bindPassages(late(), [a, b], gates, inside, 4000)).toEqual([]);
    expect([a.sessionId, b.sessionId]).toEqual(['s1', null]);
    // Two who came in 400 ms apart around it: nobody.
    a.sessionId = null;
    const c = track('t3', [
      [1300, 1.4, 0.9],
      [1500, 1.4, 1.1],
      [4000, 1.4, 3.5],
    ]);
    expect(bindPassages(late(), [a, c], gates, inside, 4000)).toEqual([]);
    expect([a.sessionId, c.sessionId]).toEqual([null, null]);
  });

  it('after waiting, falls back to the track nearest the line, then to a track born later', () => {
    const lagging = track('t1', [
      [0, 1, 0.8],
      [2600, 1, 0.9],
    ]);
    const slots = bindPassages([{ t: 1000, sessionId: 's1', gateId: 'in' }], [lagging], gates, inside, 2600);
    expect(slots).toHaveLength(0);
    expect(lagging.sessionId).toBe('s1');
    // Nobody near the gate at all: the passage waits for a track born at the entry.
    const left = bindPassages([{ t: 1000, sessionId: 's2', gateId: 'in' }], [], gates, inside, 2600);
    expect(left).toEqual([{ t: 1000, sessionId: 's2', gateId: undefined }]);
    const entry = [{ min: [0.2, 0], max: [1.8, 1.5] }] as unknown as Parameters<typeof takeBirthSlot>[1];
    expect(takeBirthSlot(left, entry, 1, 1.3, 3000)).toBe('s2');
  });
});
