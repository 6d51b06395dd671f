import type { ShelfSamples } from '../../core/messages.ts';

/** Deterministic PRNG (mulberry32) so crafted signals are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gauss(r: () => number): number {
  const u = Math.max(r(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

export interface CraftOptions {
  plateId: string;
  /** Level in grams at time t (ms from start), without noise. */
  level: (t: number) => number;
  noise: number;
  durationMs: number;
  startMs?: number;
  periodMs?: number;
  perBatch?: number;
  seed?: number;
}

/** Batches of samples of one plate, as a shelf controller would send them. */
export function craftPlate(o: CraftOptions): ShelfSamples[] {
  const period = o.periodMs ?? 40;
  const per = o.perBatch ?? 12;
  const start = o.startMs ?? 1_000_000;
  const r = rng(o.seed ?? 1);
  const out: ShelfSamples[] = [];
  let seq = 0;
  for (let t = 0; t < o.durationMs; t += period * per) {
    const grams: number[] = [];
    for (let i = 0; i < per; i++) grams.push(o.level(t + i * period) + o.noise * gauss(r));
    out.push({ plateId: o.plateId, seq: seq++, t0: start + t, periodMs: period, grams });
  }
  return out;
}

/** A smooth step from `from` to `to` between t0 and t1 with a hand's wobble in between. */
export function step(from: number, to: number, t0: number, t1: number, wobble = 0): (t: number) => number {
  return (t) => {
    if (t < t0) return from;
    if (t >= t1) return to;
    const f = (t - t0) / (t1 - t0);
    return from + (to - from) * f + wobble * Math.sin(f * Math.PI * 6);
  };
}

/** Merges per-plate batch lists by batch end time, as they would arrive at the edge. */
export function interleave(...lists: ShelfSamples[][]): Array<{ at: number; msg: ShelfSamples }> {
  const all = lists.flat().map((m) => ({ at: m.t0 + m.grams.length * m.periodMs, msg: m }));
  all.sort((a, b) => a.at - b.at || (a.msg.plateId < b.msg.plateId ? -1 : 1));
  return all;
}
