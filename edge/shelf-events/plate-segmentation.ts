import type { ShelfEventConfig } from './config.ts';
import type { PlateDetectorState } from './plate-state.ts';

/**
 * Stable-state segmentation of one plate's valid, time-ordered samples; intake, reordering and faults
 * stay in PlateDetector. Everything here lives in the snapshotted state, so a detector restored from a
 * snapshot continues exactly where it stopped.
 */

/** Floored at the ADC resolution: a near-zero estimate would make every tremor an interaction. */
export function plateSigma(s: PlateDetectorState, cfg: ShelfEventConfig): number {
  return Math.max(Math.sqrt(s.variance), cfg.minNoiseGrams);
}

export function segmentSample(
  s: PlateDetectorState,
  cfg: ShelfEventConfig,
  t: number,
  x: number,
  period: number,
): void {
  if (s.baseline === null) {
    warmSample(s, cfg, t, x, period);
    return;
  }
  if (s.mode === 'stable') stableSample(s, cfg, t, x, period);
  else activeSample(s, cfg, t, x, period);
}

/** Until the first quiet window the plate has no baseline: learn the noise, then start stable. */
function warmSample(
  s: PlateDetectorState,
  cfg: ShelfEventConfig,
  t: number,
  x: number,
  period: number,
): void {
  if (s.prevX !== null) {
    s.nNoise++;
    s.variance += ((x - s.prevX) ** 2 / 2 - s.variance) / s.nNoise;
  }
  s.prevX = x;
  s.win.push(x);
  s.winT.push(t);
  const w = Math.max(3, Math.round(cfg.settleMs / period));
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
  if (Math.sqrt(ss / (w - 1)) <= cfg.settleSigmas * plateSigma(s, cfg)) {
    s.baseline = mean;
    s.nStable = w;
    s.win = [];
    s.winT = [];
    s.prevX = null;
  }
}

function stableSample(
  s: PlateDetectorState,
  cfg: ShelfEventConfig,
  t: number,
  x: number,
  period: number,
): void {
  const base = s.baseline as number;
  const sigma = plateSigma(s, cfg);
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
    startActive(s, cfg, start);
    s.win = [x];
    s.winT = [t];
  }
}

/** Opens a segment at `start`; the previous one's `after` stops following the baseline. */
export function startActive(s: PlateDetectorState, cfg: ShelfEventConfig, start: number): void {
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
    sigma: plateSigma(s, cfg),
    nBefore: Math.max(1, Math.min(s.nStable, 200)),
    nAfter: 0,
    ...(s.faultCarry ? { fault: s.faultCarry } : {}),
  });
  s.faultCarry = null;
}

function activeSample(
  s: PlateDetectorState,
  cfg: ShelfEventConfig,
  t: number,
  x: number,
  period: number,
): void {
  s.win.push(x);
  s.winT.push(t);
  const w = Math.max(3, Math.round(cfg.settleMs / period));
  while (s.win.length > w) {
    s.win.shift();
    s.winT.shift();
  }
  if (s.activeSince !== null && t - s.activeSince > cfg.maxActiveMs) {
    closeActive(s, cfg, t, 'plate never settled');
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
  const sigma = plateSigma(s, cfg);
  if (sd > cfg.settleSigmas * sigma) return;
  // A quiet window can still hide the tail of a settling load cell: its halves must agree too.
  const m1 = sum1 / (w - h);
  const m2 = sum2 / h;
  if (Math.abs(m1 - m2) > cfg.settleSigmas * sigma * Math.sqrt(1 / (w - h) + 1 / h)) return;
  // The later half is the better estimate of the new level; the growing mean refines it from there.
  s.baseline = m2;
  s.nStable = h;
  closeActive(s, cfg, s.winT[0] as number);
}

/** Ends the open segment (if any) at `tEnd`; with `fault` it is flagged and the plate re-baselined. */
export function closeActive(
  s: PlateDetectorState,
  cfg: ShelfEventConfig,
  tEnd: number,
  fault?: string,
): void {
  const seg = s.segments[s.segments.length - 1];
  if (seg && seg.tEnd === null) {
    seg.tEnd = tEnd;
    seg.sigma = plateSigma(s, cfg);
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
