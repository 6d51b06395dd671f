import { freshHeight, signature } from './heights.ts';
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
  /** When they met (history before it belongs to whoever the track followed then) and when doubted. */
  met: number;
  t: number;
  why: string;
}

/** A fresh height fits an identity within this (m), and rules it out beyond CONFIRM_MISS. */
const CONFIRM_FIT = 0.04;
const CONFIRM_MISS = 0.06;
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
    // The other one's height may have been learnt since (it was new in the store).
    const other = byId.get(d.b);
    if (d.hb === undefined && other && other.sessionId === d.sb && !pending(other.id))
      d.hb = signature(other);
    if (t - d.t > DOUBT_MS || d.ha === undefined) return false;
    if (d.hb === undefined) return true;
    if (Math.abs(d.ha - d.hb) < CONFIRM_MISS) return false;
    const a = byId.get(d.a);
    if (!a || a.sessionId !== d.sa) return false;
    if (pending(a.id)) return true;
    const f = freshHeight(a, d.t);
    if (f === undefined) return true;
    if (Math.abs(f - d.ha) < CONFIRM_FIT && Math.abs(f - d.hb) > CONFIRM_MISS) {
      if (a.contested) delete a.contested[d.sb];
      if (a.contested && Object.keys(a.contested).length === 0) a.contested = undefined;
      settled();
      return false;
    }
    return true;
  });
}
