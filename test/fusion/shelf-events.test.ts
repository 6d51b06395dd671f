import { describe, expect, it } from 'vitest';
import type { ShelfSamples } from '../../core/messages.ts';
import { loadStore } from '../../core/store/load-store.ts';
import {
  createShelfEventDetector,
  ShelfEventConfig,
  type ShelfEventDraft,
} from '../../edge/shelf-events/index.ts';
import { craftPlate, interleave, step } from './signals.ts';

const store = loadStore('demo');
const cfg = ShelfEventConfig.parse({});

function run(arrivals: Array<{ at: number; msg: ShelfSamples }>, endAt?: number): ShelfEventDraft[] {
  const det = createShelfEventDetector(store, cfg);
  const events: ShelfEventDraft[] = [];
  for (const { at, msg } of arrivals) {
    det.onSamples(msg, at);
    events.push(...det.advance(at).events);
  }
  const last = arrivals[arrivals.length - 1]?.at ?? 0;
  events.push(...det.advance(endAt ?? last + 5000).events);
  return events;
}

const T = 1_000_000;

describe('shelf events on crafted signals', () => {
  it('a 90 g item spread 50/28/12 g over three plates is one event', () => {
    const base = [3000, 2500, 4000];
    const parts = [50, 28, 12];
    const lists = ['g1.s1.p1', 'g1.s1.p2', 'g1.s1.p3'].map((plateId, i) =>
      craftPlate({
        plateId,
        noise: 0.8,
        durationMs: 12_000,
        seed: i + 1,
        level: step(base[i] ?? 0, (base[i] ?? 0) - (parts[i] ?? 0), 5000 + i * 40, 5600 + i * 30, 15),
      }),
    );
    const events = run(interleave(...lists));
    expect(events).toHaveLength(1);
    const e = events[0] as ShelfEventDraft;
    expect(e.plates.map((p) => p.plateId)).toEqual(['g1.s1.p1', 'g1.s1.p2', 'g1.s1.p3']);
    expect(e.deltaGrams).toBeGreaterThan(-93);
    expect(e.deltaGrams).toBeLessThan(-87);
    expect(e.t0).toBeGreaterThan(T + 4800);
    expect(e.t0).toBeLessThan(T + 5200);
    expect(e.t1).toBeGreaterThan(T + 5500);
    expect(e.t1).toBeLessThan(T + 6400);
  });

  it('a 4 g drift over a minute is no event', () => {
    const list = craftPlate({
      plateId: 'g1.s1.p4',
      noise: 0.6,
      durationMs: 70_000,
      level: (t) => 2000 + (4 * Math.min(t, 60_000)) / 60_000,
    });
    expect(run(interleave(list))).toEqual([]);
  });

  it('a vibration transient from a neighbour is ignored, the neighbour take is one event', () => {
    const take = craftPlate({
      plateId: 'g1.s2.p5',
      noise: 0.5,
      durationMs: 10_000,
      level: step(5000, 5000 - 521, 4000, 4500, 40),
    });
    const shaken = craftPlate({
      plateId: 'g1.s2.p6',
      noise: 0.5,
      durationMs: 10_000,
      seed: 9,
      level: (t) => 3000 + (t > 4000 && t < 4800 ? 25 * Math.sin((t - 4000) / 30) : 0),
    });
    const events = run(interleave(take, shaken));
    expect(events).toHaveLength(1);
    expect(events[0]?.plates.map((p) => p.plateId)).toEqual(['g1.s2.p5']);
    expect(events[0]?.deltaGrams).toBeCloseTo(-521, -1);
  });

  it('separates simultaneous interactions on non-adjacent plates of one shelf', () => {
    const a = craftPlate({
      plateId: 'g1.s3.p1',
      noise: 0.5,
      durationMs: 9000,
      level: step(4000, 3650, 3000, 3600),
    });
    const b = craftPlate({
      plateId: 'g1.s3.p8',
      noise: 0.5,
      durationMs: 9000,
      seed: 3,
      level: step(4000, 4000 - 2 * 161, 3100, 3700),
    });
    const events = run(interleave(a, b));
    expect(events.map((e) => e.plates.map((p) => p.plateId))).toEqual([['g1.s3.p1'], ['g1.s3.p8']]);
  });

  it('separates neighbours reaching one after the other, and a put-back beside a take, on adjacent plates', () => {
    // A take from p4 settles at 3.8 s; the next shopper's hand lands on p5 250 ms later (within
    // the merge gap of overlapping activity). Then a 44 g put-back on p7 while p8 loses 44 g.
    const plates = ['g1.s2.p4', 'g1.s2.p5', 'g1.s2.p7', 'g1.s2.p8'];
    const levels = [
      step(4000, 4000 - 120, 3000, 3800),
      step(3000, 3000 - 2 * 95, 4050, 4900),
      step(2000, 2044, 8000, 8900),
      step(2500, 2456, 8100, 8800),
    ];
    const lists = plates.map((plateId, i) =>
      craftPlate({ plateId, noise: 0.5, durationMs: 14_000, seed: i + 4, level: levels[i] ?? (() => 0) }),
    );
    const events = run(interleave(...lists));
    expect(events.map((e) => [e.plates.map((p) => p.plateId), Math.round(e.deltaGrams)])).toEqual([
      [['g1.s2.p4'], -120],
      [['g1.s2.p5'], -190],
      [['g1.s2.p7'], 44],
      [['g1.s2.p8'], -44],
    ]);
  });

  it('handles out-of-order, duplicated and missing batches and invalid readings', () => {
    const list = craftPlate({
      plateId: 'g2.s1.p2',
      noise: 0.7,
      durationMs: 12_000,
      level: step(6000, 6000 - 98, 6000, 6400, 10),
    });
    const arrivals = interleave(list);
    // swap neighbours, duplicate one batch, drop one batch, poison some samples
    for (let i = 5; i + 1 < arrivals.length; i += 7) {
      const a = arrivals[i];
      const b = arrivals[i + 1];
      if (a && b)
        [arrivals[i], arrivals[i + 1]] = [
          { at: a.at, msg: b.msg },
          { at: b.at, msg: a.msg },
        ];
    }
    const dup = arrivals[10];
    if (dup) arrivals.splice(11, 0, { at: dup.at + 10, msg: dup.msg });
    arrivals.splice(3, 1);
    const poisoned = arrivals[8]?.msg;
    if (poisoned) poisoned.grams[2] = null;
    const det = createShelfEventDetector(store, cfg);
    const events: ShelfEventDraft[] = [];
    for (const { at, msg } of arrivals) {
      det.onSamples(msg, at);
      events.push(...det.advance(at).events);
    }
    events.push(...det.advance(T + 20_000).events);
    expect(events).toHaveLength(1);
    expect(events[0]?.deltaGrams).toBeCloseTo(-98, -0.5);
    const c = det.counters();
    expect(c.duplicates).toBe(1);
    expect(c.invalid).toBe(1);
    expect(c.gaps).toBeGreaterThanOrEqual(1);
  });

  it('a silent plate is faulted and its change on recovery is flagged', () => {
    const list = craftPlate({
      plateId: 'g3.s1.p1',
      noise: 0.5,
      durationMs: 20_000,
      level: (t) => (t < 10_000 ? 3000 : 2650),
    }).filter((m) => m.t0 < T + 5000 || m.t0 > T + 12_000);
    const det = createShelfEventDetector(store, cfg);
    const events: ShelfEventDraft[] = [];
    let faults = 0;
    // The store clock moves on while the plate is silent (other plates keep talking).
    let clock = T;
    for (const { at, msg } of interleave(list)) {
      for (; clock < at; clock += 250) {
        const r = det.advance(clock);
        events.push(...r.events);
        faults += r.notices.filter((n) => n.kind === 'fault').length;
      }
      det.onSamples(msg, at);
    }
    events.push(...det.advance(T + 30_000).events);
    expect(faults).toBe(1);
    expect(events).toHaveLength(1);
    expect(events[0]?.fault).toMatch(/plate silent/);
    expect(events[0]?.deltaGrams).toBeCloseTo(-350, -1);
  });

  it('a stuck plate (readings frozen) is faulted, a take beside it is still an event, and its change is flagged when it moves again', () => {
    const real = craftPlate({
      plateId: 'g3.s1.p1',
      noise: 0.5,
      durationMs: 24_000,
      level: (t) => (t < 10_000 ? 3000 : 2650),
    });
    // From 4 s to 16 s the controller repeats one reading of this plate.
    let held: number | undefined;
    const stuck = real.map((m) => {
      if (m.t0 < T + 4000 || m.t0 >= T + 16_000) return m;
      held ??= m.grams[0] as number;
      return { ...m, grams: m.grams.map(() => held as number) };
    });
    const beside = craftPlate({
      plateId: 'g3.s1.p3',
      noise: 0.5,
      durationMs: 24_000,
      seed: 2,
      level: step(2000, 1700, 11_000, 11_700, 10),
    });
    const det = createShelfEventDetector(store, cfg);
    const events: ShelfEventDraft[] = [];
    const notices: string[] = [];
    for (const { at, msg } of interleave(stuck, beside)) {
      det.onSamples(msg, at);
      const r = det.advance(at);
      events.push(...r.events);
      notices.push(
        ...r.notices.map((n) => `${n.kind} ${n.plateId}${n.kind === 'fault' ? ` ${n.reason}` : ''}`),
      );
      if (at > T + 10_000 && at < T + 15_000)
        expect(det.faults().map((f) => f.plateId)).toEqual(['g3.s1.p1']);
    }
    events.push(...det.advance(T + 40_000).events);
    expect(notices).toEqual(['fault g3.s1.p1 readings frozen', 'recovered g3.s1.p1']);
    const byPlate = (id: string) => events.filter((e) => e.plates.some((p) => p.plateId === id));
    expect(byPlate('g3.s1.p3')).toHaveLength(1);
    expect(byPlate('g3.s1.p3')[0]?.fault).toBeUndefined();
    expect(byPlate('g3.s1.p3')[0]?.deltaGrams).toBeCloseTo(-300, -1);
    expect(byPlate('g3.s1.p1')).toHaveLength(1);
    expect(byPlate('g3.s1.p1')[0]?.fault).toMatch(/readings frozen/);
    expect(byPlate('g3.s1.p1')[0]?.deltaGrams).toBeCloseTo(-350, -1);
  });

  it('a plate quieter than its ADC step repeats readings without being called stuck', () => {
    const quiet = craftPlate({ plateId: 'g3.s1.p1', noise: 0, durationMs: 20_000, level: () => 3000 });
    const det = createShelfEventDetector(store, cfg);
    for (const { at, msg } of interleave(quiet)) {
      det.onSamples(msg, at);
      expect(det.advance(at).notices).toEqual([]);
    }
  });
});
