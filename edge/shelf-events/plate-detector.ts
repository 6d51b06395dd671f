import type { ShelfEventConfig } from './config.ts';
import { closeActive, plateSigma, segmentSample, startActive } from './plate-segmentation.ts';
import {
  type Batch,
  initialPlateState,
  type PlateDetectorState,
  type PlateNotice,
  type PlateSegment,
} from './plate-state.ts';

export type { PlateCounters, PlateDetectorState, PlateNotice, PlateSegment } from './plate-state.ts';

/** Fault reason of a plate whose readings stopped changing. */
const FROZEN = 'readings frozen';

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
    return plateSigma(this.s, this.cfg);
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
        const frozen = this.frozen(t, x);
        if (s.fault) {
          // A stuck plate recovers when its readings move again, not on every reading it repeats.
          if (s.fault.reason === FROZEN && frozen) continue;
          notices.push({ kind: 'recovered', plateId: s.plateId, t });
          this.recover(t);
        } else if (
          frozen &&
          this.cfg.frozenMs > 0 &&
          t - (s.frozenSince ?? t) >= this.cfg.frozenMs &&
          // A plate quieter than its ADC's step repeats readings legitimately.
          plateSigma(s, this.cfg) > 2 * this.cfg.minNoiseGrams
        ) {
          this.setFault(s.frozenSince ?? t, FROZEN, notices);
          continue;
        }
        s.lastT = t;
        segmentSample(s, this.cfg, t, x, b.periodMs);
      }
    }
    const heard = s.lastT ?? s.lastReceivedAt;
    if (silence && !s.fault && heard !== null && clock - heard > this.cfg.silentMs) {
      this.setFault(heard, s.invalidRun > 0 ? 'no valid readings' : 'plate silent', notices);
    }
  }

  /** Whether reading `x` at `t` repeats the previous one exactly (and since when they have). */
  private frozen(t: number, x: number): boolean {
    const s = this.s;
    if (s.frozenValue === x) return true;
    s.frozenValue = x;
    s.frozenSince = t;
    return false;
  }

  /** Marks the plate faulted (silent, controller down, never settling); recovery re-baselines it. */
  setFault(t: number, reason: string, notices: PlateNotice[]): void {
    const s = this.s;
    if (s.fault) return;
    s.fault = { since: t, reason };
    notices.push({ kind: 'fault', plateId: s.plateId, t, reason });
    if (s.mode === 'active') closeActive(s, this.cfg, t, reason);
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
    if (s.baseline !== null) startActive(s, this.cfg, since);
    s.prevX = null;
    s.ring = [];
    s.ringT = [];
    s.ringSum = 0;
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
