import type { PersonDetection, Rgb } from '../../core/messages.ts';
import { median } from './heights.ts';
import { withOutliers } from './identity-evidence.ts';
import type { Track } from './track-manager.ts';

/**
 * Clothing colour as a second identity cue beside body height (heights.ts). The pose worker reports
 * the mean colour of a detection's torso and thighs (edge/vision/appearance.ts); a track's looks
 * signature is learnt while it is alone, like its height signature, and weighed the same way when
 * tracks that met part again. Colours are compared as logarithms, so a camera's white balance or the
 * light at a spot scales them by a shift, and dark clothes (few levels, noisy) count for less. Nothing
 * about a face or body is used, and nothing outlives the session.
 */

/** Log colour: ln(level + LOG_OFFSET) per channel. */
export type LogRgb = [number, number, number];
/** One detection's looks: [t, torso, thighs], null where the worker left a region out. */
export type LookSample = [number, LogRgb | null, LogRgb | null];
/** Per region: mean log colour and the number of detections folded in (capped). */
export interface LookSignature {
  upper?: { m: LogRgb; n: number };
  lower?: { m: LogRgb; n: number };
}
/** Looks of a person as evidence: mean log colour per region, where known. */
export interface Looks {
  upper?: LogRgb;
  lower?: LogRgb;
}

const LOG_OFFSET = 10;
const RECENT_MS = 5000;
/** Samples that make a fresh estimate, that make a signature count, and the most a signature weighs. */
const MIN_FRESH = 4;
const SIGNATURE_MIN = 8;
const SIGNATURE_MAX = 400;
/**
 * Spread (log units per channel) of a fresh mean against a signature: cameras' white balance (~5 %),
 * the light at different spots (±8 %) and pixel noise, which for dark clothes is most of it.
 */
const FIT_SD = 0.14;
/** Clothing colours in a store's population: anybody's looks, for a signature not learnt yet. */
const POPULATION = { mean: Math.log(90 + LOG_OFFSET), sd: 0.75 };
/**
 * Share of fresh looks that measure something else (a neighbour's arm or bag across the torso, a
 * worker's mask that slipped): bounds what one region can say.
 */
const OUTLIER_SHARE = 0.03;

// Rounded to 1/1000: far below the noise, and tracker snapshots keep a few seconds of samples.
const ln = (v: number) => Math.round(Math.log(v + LOG_OFFSET) * 1000) / 1000;
const toLog = (c: Rgb): LogRgb => [ln(c[0]), ln(c[1]), ln(c[2])];

/** A detection's looks in log colour (computed once per detection). */
export function detectionLooks(a: PersonDetection['appearance']): Looks | undefined {
  if (!a || (!a.upper && !a.lower)) return undefined;
  return { ...(a.upper ? { upper: toLog(a.upper) } : {}), ...(a.lower ? { lower: toLog(a.lower) } : {}) };
}

/** Keeps a detection's looks among the track's recent samples. */
export function foldLooks(tr: Track, t: number, d: Looks | undefined): void {
  if (!d) return;
  const rl = (tr.recentLooks ??= []);
  rl.push([t, d.upper ?? null, d.lower ?? null]);
  while (rl.length > 0 && t - (rl[0] as LookSample)[0] > RECENT_MS) rl.shift();
}

/** Folds the samples of (from, to] into the track's signature (the caller decides it is alone). */
export function learnLooks(tr: Track, from: number, to: number): void {
  for (const [t, upper, lower] of tr.recentLooks ?? []) {
    if (t <= from || t > to) continue;
    const sig = (tr.looks ??= {});
    for (const [key, v] of [
      ['upper', upper],
      ['lower', lower],
    ] as const) {
      if (!v) continue;
      const s = (sig[key] ??= { m: [0, 0, 0], n: 0 });
      s.n = Math.min(s.n + 1, SIGNATURE_MAX);
      for (let k = 0; k < 3; k++) s.m[k] = (s.m[k] as number) + ((v[k] as number) - (s.m[k] as number)) / s.n;
    }
  }
}

/** The track's learnt looks, per region once it has enough samples. */
export function looksSignature(tr: Pick<Track, 'looks'>): Looks {
  const out: Looks = {};
  if (tr.looks?.upper && tr.looks.upper.n >= SIGNATURE_MIN) out.upper = [...tr.looks.upper.m];
  if (tr.looks?.lower && tr.looks.lower.n >= SIGNATURE_MIN) out.lower = [...tr.looks.lower.m];
  return out;
}

/** Per-channel median of the track's looks since `since`, per region with enough samples. */
export function freshLooks(tr: Track, since: number): Looks {
  const out: Looks = {};
  for (const [key, i] of [
    ['upper', 1],
    ['lower', 2],
  ] as const) {
    const vs = (tr.recentLooks ?? []).filter((s) => s[0] >= since && s[i]).map((s) => s[i] as LogRgb);
    if (vs.length >= MIN_FRESH)
      out[key] = [0, 1, 2].map((k) => median(vs.map((v) => v[k] as number)) as number) as LogRgb;
  }
  return out;
}

const logNormal3 = (v: LogRgb, mean: LogRgb, sd: number) =>
  v.reduce((s, x, k) => s - (x - (mean[k] as number)) ** 2 / (2 * sd * sd), 0) -
  3 * Math.log(sd * Math.sqrt(2 * Math.PI));
const POPULATION_MEAN: LogRgb = [POPULATION.mean, POPULATION.mean, POPULATION.mean];
/** Log-likelihood of looks `v` for anybody in the population. */
const anybodyLooks = (v: LogRgb) => logNormal3(v, POPULATION_MEAN, POPULATION.sd);

/**
 * Log-likelihood ratio that fresh looks `f` belong to the identity with looks `mine` rather than
 * `theirs`, summed over the regions measured. An unlearnt region is anybody's (the population); a
 * region not measured says nothing.
 */
export function looksLlr(f: Looks, mine: Looks | undefined, theirs: Looks | undefined): number {
  let llr = 0;
  for (const key of ['upper', 'lower'] as const) {
    const v = f[key];
    if (!v) continue;
    const anybody = anybodyLooks(v);
    const fit = (m: LogRgb | undefined) =>
      m ? withOutliers(logNormal3(v, m, FIT_SD), anybody, OUTLIER_SHARE) : anybody;
    llr += fit(mine?.[key]) - fit(theirs?.[key]);
  }
  return llr;
}

/** One detection's spread (log units per channel) around its person's signature, and its outlier share. */
const DETECTION_SD = 0.25;
const DETECTION_OUTLIERS = 0.1;

/**
 * Matching cost (negative log-likelihood ratio against anybody's looks) of a detection's looks for a
 * track with a learnt signature: negative when they fit, positive (bounded by the outlier share) when
 * they do not, 0 for a track nobody has learnt, so unlearnt tracks are neither favoured nor barred.
 */
export function looksCost(d: Looks | undefined, tr: Pick<Track, 'looks'>): number {
  if (!d || !tr.looks) return 0;
  let llr = 0;
  for (const key of ['upper', 'lower'] as const) {
    const v = d[key];
    const s = tr.looks[key];
    if (!v || !s || s.n < SIGNATURE_MIN) continue;
    const anybody = anybodyLooks(v);
    llr += withOutliers(logNormal3(v, s.m, DETECTION_SD), anybody, DETECTION_OUTLIERS) - anybody;
  }
  return -llr;
}
