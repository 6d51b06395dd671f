import type { ShelfSamples } from '../core/messages.ts';
import type { StoreModel } from '../core/store/store-model.ts';
import type { Rng } from './rng.ts';

export const SAMPLE_HZ = 60;
export const SAMPLE_MS = 1000 / SAMPLE_HZ;
export const BATCH = 12;
export const QUANTUM = 0.24;
/** First-order settling constant: readings settle within ~0.5 s (5 τ) after a change. */
export const SETTLE_TAU_MS = 90;
const SHAKE_MS = 400;

export type PlateFault = { kind: 'stuck' | 'silent' | 'offset'; from: number; to: number; offset?: number };

interface Shake {
  start: number;
  amp: number;
  freq: number;
}

/** One plate's load cell: true load in, noisy batched readings out. */
export class PlateSensor {
  /** True grams on the plate. */
  load: number;
  private measured: number;
  private press = 0;
  /** Hands currently touching the plate. */
  touching = 0;
  private shakes: Shake[] = [];
  private batch: number[] = [];
  private batchT0 = 0;
  private seq = 0;
  private stuckValue: number | undefined;
  readonly faults: PlateFault[] = [];
  private readonly driftAmp: number;
  private readonly driftPeriod: number;
  private readonly driftPhase: number;
  private walk = 0;

  constructor(
    readonly plateId: string,
    initial: number,
    readonly noiseSd: number,
    private readonly rng: Rng,
    /** Samples to skip before the first batch starts, spreading messages of different plates. */
    readonly phase: number,
  ) {
    this.load = initial;
    this.measured = initial;
    this.driftAmp = rng.range(0.5, 3);
    this.driftPeriod = rng.range(15, 60) * 60_000;
    this.driftPhase = rng.range(0, Math.PI * 2);
  }

  shake(t: number, amp: number): void {
    this.shakes.push({ start: t, amp, freq: this.rng.range(6, 12) });
  }

  private fault(kind: PlateFault['kind'], t: number): PlateFault | undefined {
    for (const f of this.faults) if (f.kind === kind && t >= f.from && t < f.to) return f;
    return undefined;
  }

  /** Takes one sample at time t (ms since start); returns a finished batch when 12 are collected. */
  sample(t: number, alpha: number): Omit<ShelfSamples, 'plateId'> | undefined {
    this.measured += (this.load - this.measured) * alpha;
    if (this.touching > 0) this.press = Math.max(0, this.press * 0.9 + this.rng.normal() * 12 + 4);
    else this.press *= 0.6;
    let shake = 0;
    if (this.shakes.length > 0) {
      this.shakes = this.shakes.filter((s) => t - s.start < SHAKE_MS);
      for (const s of this.shakes) {
        const dt = (t - s.start) / 1000;
        shake += s.amp * Math.exp(-dt / 0.12) * Math.sin(2 * Math.PI * s.freq * dt);
      }
    }
    this.walk += this.rng.normal() * 0.004;
    const drift =
      this.driftAmp * Math.sin((2 * Math.PI * t) / this.driftPeriod + this.driftPhase) + this.walk;
    let v = this.measured + this.press + shake + drift + this.rng.normal() * this.noiseSd;
    if (this.rng.chance(1 / 20_000)) v += (this.rng.chance(0.5) ? -1 : 1) * this.rng.range(20, 100);
    const offset = this.fault('offset', t);
    if (offset) v += offset.offset ?? 0;
    if (this.fault('stuck', t)) v = this.stuckValue ??= v;
    else this.stuckValue = undefined;
    const q = Math.round(Math.round(v / QUANTUM) * QUANTUM * 100) / 100;
    if (this.batch.length === 0) this.batchT0 = t;
    this.batch.push(q);
    if (this.batch.length < BATCH) return undefined;
    const out = { seq: this.seq++, t0: this.batchT0, periodMs: SAMPLE_MS, grams: this.batch };
    this.batch = [];
    return this.fault('silent', t) ? undefined : out;
  }
}

/** Plates of the store with their initial stock loads; spreads items over a facing's plates. */
export function createPlateSensors(store: StoreModel, rng: Rng): Map<string, PlateSensor> {
  const sensors = new Map<string, PlateSensor>();
  let k = 0;
  for (const [id, info] of store.plates) {
    let initial = 0;
    const f = info.facing;
    if (f) {
      const p = store.product(f.sku);
      initial = p ? (f.units * p.weight.meanGrams) / f.plates.length : 0;
    }
    const noise = info.plate.noiseGrams ?? 0.7;
    sensors.set(id, new PlateSensor(id, initial, noise, rng.fork(++k), k % BATCH));
  }
  return sensors;
}
