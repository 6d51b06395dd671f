import { freshHeight, signature } from './heights.ts';
import { freshLooks, type Looks, looksLlr, looksSignature } from './looks.ts';
import type { Track } from './track-manager.ts';

/**
 * A contested pair: track `a` may be following `b`'s person and the other way round. Kept so that
 * heights measured later, once both are apart and seen from two cameras, can still settle it.
 */
export interface Doubt {
  a: string;
  b: string;
  /** Sessions and height signatures of the two when the doubt arose. */
  sa: string;
  sb: string;
  ha: number | undefined;
  hb: number | undefined;
  /** Their looks signatures (optional in snapshots written before clothing colours were used). */
  la?: Looks;
  lb?: Looks;
  /** When they met (history before it belongs to whoever the track followed then) and when doubted. */
  met: number;
  t: number;
  why: string;
}

/** A fresh height fits an identity within this (m), and rules it out beyond CONFIRM_MISS. */
const CONFIRM_FIT = 0.04;
const CONFIRM_MISS = 0.06;
/** Log-odds of fresh looks for the track's own identity against the other's that confirm it. */
const CONFIRM_LLR = 4.6;
/** Doubts still open this long after they arose are dropped (the marks stay). */
const DOUBT_MS = 600_000;

/**
 * Settles doubts with heights measured since: a track whose height fits its own signature and
 * clearly not the other's is confirmed (its mark about the other goes). Returns the doubts still
 * open; `pending` tells tracks in an unresolved meeting, whose heights are not their own yet.
 */
export function settleDoubts(
  doubts: Doubt[],
  t: number,
  byId: Map<string, Track>,
  pending: (trackId: string) => boolean,
  settled: () => void,
): Doubt[] {
  return doubts.filter((d) => {
    // The other one's signatures may have been learnt since (it was new in the store).
    const other = byId.get(d.b);
    if (other && other.sessionId === d.sb && !pending(other.id)) {
      if (d.hb === undefined) d.hb = signature(other);
      if (!d.lb?.upper || !d.lb.lower) d.lb = { ...looksSignature(other), ...d.lb };
    }
    if (t - d.t > DOUBT_MS) return false;
    const heights = d.ha !== undefined && d.hb !== undefined && Math.abs(d.ha - d.hb) >= CONFIRM_MISS;
    const looks = comparable(d.la, d.lb);
    // Nothing measured later can tell these two apart: the doubt goes, the marks stay.
    if (!heights && !looks && (d.ha === undefined || d.hb !== undefined)) return false;
    if (!heights && !looks) return true;
    const a = byId.get(d.a);
    if (!a || a.sessionId !== d.sa) return false;
    if (pending(a.id)) return true;
    const f = freshHeight(a, d.t);
    const byHeight =
      heights &&
      f !== undefined &&
      Math.abs(f - (d.ha as number)) < CONFIRM_FIT &&
      Math.abs(f - (d.hb as number)) > CONFIRM_MISS;
    // Heights, where they were measured, must not speak for the other identity.
    const against =
      f !== undefined && d.ha !== undefined && d.hb !== undefined && Math.abs(f - d.hb) < Math.abs(f - d.ha);
    const byLooks = looks && !against && looksLlr(freshLooks(a, d.t), d.la, d.lb) >= CONFIRM_LLR;
    if (byHeight || byLooks) {
      if (a.contested) delete a.contested[d.sb];
      if (a.contested && Object.keys(a.contested).length === 0) a.contested = undefined;
      settled();
      return false;
    }
    return true;
  });
}

/** Whether two looks share a region both know. */
function comparable(a: Looks | undefined, b: Looks | undefined): boolean {
  return Boolean((a?.upper && b?.upper) || (a?.lower && b?.lower));
}
