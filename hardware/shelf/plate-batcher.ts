import type { ShelfSamples } from '../../core/messages.ts';

interface Pending {
  t0: number;
  firstDevice: number;
  lastDevice: number;
  grams: Array<number | null>;
}

/**
 * Collects one controller's per-channel grams into `shelf.samples` batches of consecutive samples.
 * A batch is cut short (`flush`) whenever samples stop being consecutive: a sequence gap, a clock
 * jump or a disconnect, because a batch asserts sample i was taken at t0 + i * periodMs.
 */
export class PlateBatcher {
  private readonly pending = new Map<string, Pending>();
  private readonly seq = new Map<string, number>();

  constructor(
    private readonly batchSize: number,
    private readonly emit: (msg: ShelfSamples) => void,
    private nominalPeriodMs: number,
  ) {}

  setRate(hz: number): void {
    this.nominalPeriodMs = 1000 / hz;
  }

  add(plateId: string, t: number, deviceMs: number, grams: number | null): void {
    let p = this.pending.get(plateId);
    if (!p) {
      p = { t0: t, firstDevice: deviceMs, lastDevice: deviceMs, grams: [] };
      this.pending.set(plateId, p);
    }
    p.grams.push(grams);
    p.lastDevice = deviceMs;
    if (p.grams.length >= this.batchSize) this.emitOne(plateId, p);
  }

  /**
   * Emits partial batches. With `lost`, samples were lost after them: every plate's message seq skips
   * one so consumers see the gap the contract defines for lost messages.
   */
  flush(lost = false): void {
    for (const [plateId, p] of this.pending) this.emitOne(plateId, p);
    if (lost) for (const [plateId, s] of this.seq) this.seq.set(plateId, s + 1);
  }

  private emitOne(plateId: string, p: Pending): void {
    this.pending.delete(plateId);
    if (p.grams.length === 0) return;
    // Device stamps are whole ms; the mean spacing over the batch gives the true period (16.67 ms at 60 Hz).
    const measured = p.grams.length > 1 ? (p.lastDevice - p.firstDevice) / (p.grams.length - 1) : 0;
    const periodMs = measured > 0 && measured <= 1000 ? measured : this.nominalPeriodMs;
    const seq = this.seq.get(plateId) ?? 0;
    this.seq.set(plateId, seq + 1);
    this.emit({ plateId, seq, t0: p.t0, periodMs, grams: p.grams });
  }
}
