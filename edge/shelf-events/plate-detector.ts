import type { ShelfEventConfig } from './config.ts';
import {
  type Batch,
  initialPlateState,
  type PlateDetectorState,
  type PlateNotice,
  type PlateSegment,
} from './plate-state.ts';

export type { PlateCounters, PlateDetectorState, PlateNotice, PlateSegment } from './plate-state.ts';

/**
 * Stable-state detector of one load cell. Stable: the baseline follows slow drift and the noise
 * estimate adapts. A short mean leaving the baseline by `triggerSigmas` standard errors (or one sample
 * by `spikeSigmas`) starts an interaction; it ends when a `settleMs` window is as quiet as the noise.
 */
export class PlateDetector {
  readonly s: PlateDetectorState;

  constructor(
    plateId: string,
    private readonly cfg: ShelfEventConfig,
    state?: PlateDetectorState,
  ) {
    this.s = state ?? initialPlateState(plateId, cfg.initialNoiseGrams);
  }

  get sigma(): number {
    return Math.max(Math.sqrt(this.s.variance), this.cfg.minNoiseGrams);
  }

  get active(): boolean {
    return this.s.mode === 'active';
  }

  /** Time the current interaction began, or null when stable. */
  get activeSince(): number | null {
    return this.s.activeSince;
  }

  /** Time of the last processed sample. */
  get processedUntil(): number | null {
    return this.s.lastT;
  }

  get level(): number | null {
    return this.s.baseline;
  }

  /** Queues a batch; samples are processed in time order once `reorderMs` has passed. */
  push(b: Batch, receivedAt: number): void {
    const s = this.s;
    // A repeat of a batch still waiting, or of one wholly processed already, is a duplicate delivery.
    const end = b.t0 + (b.grams.length - 1) * b.periodMs;
    if (
      s.pending.some((p) => p.seq === b.seq && p.t0 === b.t0) ||
      (s.lastSeq !== null &&
        b.seq <= s.lastSeq &&
        s.lastT !== null &&
        end <= s.lastT &&
        b.t0 >= s.lastT - this.cfg.lateDropMs)
    ) {
      s.counters.duplicates++;
      return;
    }
    if (s.lastSeq !== null && b.seq > s.lastSeq + 1) s.counters.gaps += b.seq - s.lastSeq - 1;
    if (s.lastSeq === null || b.seq > s.lastSeq) s.lastSeq = b.seq;
    if (s.lastT !== null && b.t0 < s.lastT - this.cfg.lateDropMs) {
      s.counters.backwards++;
      return;
    }
    s.lastReceivedAt = receivedAt;
    if (s.newestEnd === null || end > s.newestEnd) s.newestEnd = end;
    // Keep pending sorted by t0; batches nearly always arrive in order, so insert from the back.
    let i = s.pending.length;
    while (i > 0 && (s.pending[i - 1] as Batch).t0 > b.t0) i--;
    s.pending.splice(i, 0, { seq: b.seq, t0: b.t0, periodMs: b.periodMs, grams: b.grams });
  }

  /** Processes every sample older than `clock - reorderMs`; checks silence. */
  advance(clock: number, notices: PlateNotice[], silence = true): void {
    const s = this.s;
    // Reordering is judged on the plate's own time (a later batch of this plate has arrived), so
    // transport latency does not matter; a plate that stops sending is flushed by the store clock.
    const own = s.newestEnd === null ? Number.NEGATIVE_INFINITY : s.newestEnd - this.cfg.reorderMs;
    const horizon = Math.max(own, clock - this.cfg.silentMs / 2);
    while (s.pending.length > 0) {
      const b = s.pending[0] as Batch;
      const tLast = b.t0 + (b.grams.length - 1) * b.periodMs;
      if (tLast > horizon) break;
      s.pending.shift();
      for (let i = 0; i < b.grams.length; i++) {
        const t = b.t0 + i * b.periodMs;
        if (s.lastT !== null && t <= s.lastT) {
          s.counters.late++;
          continue;
        }
        const x = b.grams[i];
        if (x === null || x === undefined || !Number.isFinite(x)) {
          s.counters.invalid++;
          s.invalidRun++;
          continue;
        }
        s.invalidRun = 0;
        if (s.fault) {
          notices.push({ kind: 'recovered', plateId: s.plateId, t });
          this.recover(t);
        }
        s.lastT = t;
        this.sample(t, x, b.periodMs);
      }
    }
    const heard = s.lastT ?? s.lastReceivedAt;
    if (silence && !s.fault && heard !== null && clock - heard > this.cfg.silentMs) {
      this.setFault(heard, s.invalidRun > 0 ? 'no valid readings' : 'plate silent', notices);
    }
  }

  /** Marks the plate faulted (silent, controller down, never settling); recovery re-baselines it. */
  setFault(t: number, reason: string, notices: PlateNotice[]): void {
    const s = this.s;
    if (s.fault) return;
    s.fault = { since: t, reason };
    notices.push({ kind: 'fault', plateId: s.plateId, t, reason });
    if (s.mode === 'active') this.closeActive(t, reason);
  }

  get fault(): { since: number; reason: string } | null {
    return this.s.fault;
  }

  /** Closed and open segments not yet taken by the shelf merger. */
  get segments(): PlateSegment[] {
    return this.s.segments;
  }

  private recover(t: number): void {
    const s = this.s;
    const reason = s.fault?.reason ?? 'fault';
    const since = s.fault?.since ?? t;
    s.fault = null;
    // Whatever happened while we were blind is one interaction from the fault's start to now.
    s.faultCarry = `${reason} from ${Math.round(since)} to ${Math.round(t)}`;
    if (s.baseline !== null) this.startActive(since);
    s.prevX = null;
    s.ring = [];
    s.ringT = [];
    s.ringSum = 0;
  }

  private sample(t: number, x: number, period: number): void {
    const s = this.s;
    if (s.baseline === null) {
      this.warmSample(t, x, period);
      return;
    }
    if (s.mode === 'stable') this.stableSample(t, x, period);
    else this.activeSample(t, x, period);
  }

  /** Until the first quiet window the plate has no baseline: learn the noise, then start stable. */
  private warmSample(t: number, x: number, period: number): void {
    const s = this.s;
    if (s.prevX !== null) {
      s.nNoise++;
      s.variance += ((x - s.prevX) ** 2 / 2 - s.variance) / s.nNoise;
    }
    s.prevX = x;
    s.win.push(x);
    s.winT.push(t);
    const w = Math.max(3, Math.round(this.cfg.settleMs / period));
    while (s.win.length > w) {
      s.win.shift();
      s.winT.shift();
    }
    if (s.win.length < w || s.nNoise < 2 * w) return;
    let sum = 0;
    for (const v of s.win) sum += v;
    const mean = sum / w;
    let ss = 0;
    for (const v of s.win) ss += (v - mean) ** 2;
    if (Math.sqrt(ss / (w - 1)) <= this.cfg.settleSigmas * this.sigma) {
      s.baseline = mean;
      s.nStable = w;
      s.win = [];
      s.winT = [];
      s.prevX = null;
    }
  }

  private stableSample(t: number, x: number, period: number): void {
    const s = this.s;
    const cfg = this.cfg;
    const base = s.baseline as number;
    const sigma = this.sigma;
    if (s.prevX !== null) {
      const d2 = Math.min((x - s.prevX) ** 2 / 2, 36 * s.variance);
      s.nNoise++;
      const beta = Math.max(1 / s.nNoise, Math.min(1, period / cfg.noiseTauMs));
      if (Math.abs(x - base) < cfg.triggerSigmas * sigma) s.variance += beta * (d2 - s.variance);
    }
    s.prevX = x;
    s.ring.push(x);
    s.ringT.push(t);
    s.ringSum += x;
    const m = Math.max(2, Math.round(cfg.triggerWindowMs / period));
    if (s.ring.length > m) {
      // The sample leaving the trigger window joins the baseline: lagging it keeps the start of an
      // interaction out of the level it is compared with.
      const old = s.ring.shift() as number;
      s.ringSum -= old;
      s.ringT.shift();
      s.nStable++;
      const alpha = Math.max(1 / s.nStable, Math.min(1, period / cfg.driftTauMs));
      s.baseline = base + alpha * (old - base);
    }
    const spike = Math.abs(x - base) > cfg.spikeSigmas * sigma;
    let shifted = false;
    if (s.ring.length >= m) {
      shifted =
        Math.abs(s.ringSum / s.ring.length - base) > (cfg.triggerSigmas * sigma) / Math.sqrt(s.ring.length);
    }
    if (spike || shifted) {
      // The interaction began where the newest run of samples outside the noise band began.
      let start = t;
      for (let i = s.ring.length - 1; i >= 0; i--) {
        if (Math.abs((s.ring[i] as number) - base) <= 2 * sigma) break;
        start = s.ringT[i] as number;
      }
      this.startActive(start);
      s.win = [x];
      s.winT = [t];
    }
  }

  private startActive(start: number): void {
    const s = this.s;
    const prev = s.segments[s.segments.length - 1];
    if (prev && !prev.afterFinal && prev.tEnd !== null) {
      prev.after = s.baseline;
      prev.afterFinal = true;
    }
    s.mode = 'active';
    s.activeSince = start;
    s.win = [];
    s.winT = [];
    s.segments.push({
      plateId: s.plateId,
      tStart: start,
      tEnd: null,
      before: s.baseline as number,
      after: null,
      afterFinal: false,
      sigma: this.sigma,
      nBefore: Math.max(1, Math.min(s.nStable, 200)),
      nAfter: 0,
      ...(s.faultCarry ? { fault: s.faultCarry } : {}),
    });
    s.faultCarry = null;
  }

  private activeSample(t: number, x: number, period: number): void {
    const s = this.s;
    const cfg = this.cfg;
    s.win.push(x);
    s.winT.push(t);
    const w = Math.max(3, Math.round(cfg.settleMs / period));
    while (s.win.length > w) {
      s.win.shift();
      s.winT.shift();
    }
    if (s.activeSince !== null && t - s.activeSince > cfg.maxActiveMs) {
      this.closeActive(t, 'plate never settled');
      return;
    }
    if (s.win.length < w) return;
    const h = w >> 1;
    let sum1 = 0;
    let sum2 = 0;
    for (let i = 0; i < w; i++) {
      const v = s.win[i] as number;
      if (i < w - h) sum1 += v;
      else sum2 += v;
    }
    const mean = (sum1 + sum2) / w;
    let ss = 0;
    for (const v of s.win) ss += (v - mean) ** 2;
    const sd = Math.sqrt(ss / (w - 1));
    const sigma = this.sigma;
    if (sd > cfg.settleSigmas * sigma) return;
    // A quiet window can still hide the tail of a settling load cell: its halves must agree too.
    const m1 = sum1 / (w - h);
    const m2 = sum2 / h;
    if (Math.abs(m1 - m2) > cfg.settleSigmas * sigma * Math.sqrt(1 / (w - h) + 1 / h)) return;
    // The later half is the better estimate of the new level; the growing mean refines it from there.
    s.baseline = m2;
    s.nStable = h;
    this.closeActive(s.winT[0] as number);
  }

  private closeActive(tEnd: number, fault?: string): void {
    const s = this.s;
    const seg = s.segments[s.segments.length - 1];
    if (seg && seg.tEnd === null) {
      seg.tEnd = tEnd;
      seg.sigma = this.sigma;
      seg.nAfter = s.nStable;
      if (fault) seg.fault = seg.fault ? `${seg.fault}; ${fault}` : fault;
      if (fault) {
        // Re-baseline on whatever the plate reads now; the segment is flagged so its event goes to review.
        const last = s.win[s.win.length - 1];
        if (last !== undefined) s.baseline = last;
        s.nStable = 1;
      }
    }
    s.mode = 'stable';
    s.activeSince = null;
    s.win = [];
    s.winT = [];
    s.ring = [];
    s.ringT = [];
    s.ringSum = 0;
    s.prevX = null;
  }

  /** The current level estimate for a segment whose `after` is not fixed yet. */
  afterOf(seg: PlateSegment): number | null {
    if (seg.tEnd === null) return null;
    if (seg.afterFinal) return seg.after;
    return this.s.baseline;
  }

  /** Samples behind the current level (for the standard error of a still-refining `after`). */
  get stableSamples(): number {
    return this.s.nStable;
  }
}
