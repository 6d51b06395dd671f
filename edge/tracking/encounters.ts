import type { Track } from './track-manager.ts';

/**
 * Two shoppers passing within a hand's width of each other: frame-by-frame matching cannot tell who
 * is who while their detections overlap. Their body heights can: each track's height is remembered
 * when they meet, and once they are apart again the fresh detections' heights say whether the tracks
 * came out with the same people (kept), with each other's (swapped back), or cannot tell (contested:
 * their later events go to review).
 */
export interface Encounter {
  a: string;
  b: string;
  start: number;
  /** Height signature of each track's session when resolved; undefined when not yet learnt. */
  hA: number | undefined;
  hB: number | undefined;
  /** When they were last seen apart; resolution waits for fresh detections after it. */
  apart?: number;
  /** Closest distance (m) of the two tracks, and the largest relative speed (m/s) while close. */
  minD?: number;
  relV?: number;
  /** A third shopper joined them: pairwise heights cannot sort out three people. */
  crowd?: boolean;
}

export interface EncounterCounters {
  encounters: number;
  kept: number;
  swapped: number;
  ambiguous: number;
}

export interface EncounterParams {
  /** Tracks closer than this (m) have met. */
  meet: number;
  /** ... and are apart again beyond this. */
  part: number;
}

/** Heights whose difference is below this (m) do not tell two people apart. */
const MIN_HEIGHT_GAP = 0.08;
/** Pairs that stayed at least this far apart (m) keep their identities without a height check. */
const SAFE_PASS_M = 0.15;
/** Spread (m) of a median of ~10 single-view height estimates. */
const FRESH_SD = 0.03;
const DECISIVE_LLR = 4;
const FRESH_MS = 800;
const GIVE_UP_MS = 4000;
const MIN_FRESH = 5;

function median(v: number[]): number | undefined {
  if (v.length === 0) return undefined;
  const s = [...v].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function freshHeight(tr: Track, since: number): number | undefined {
  const hs = (tr.recentHeights ?? []).filter(([t]) => t >= since).map(([, h]) => h);
  return hs.length >= MIN_FRESH ? median(hs) : undefined;
}

/** Detections folded into a session's height before it counts, and the most it keeps weighing. */
const SIGNATURE_MIN = 15;
const SIGNATURE_MAX = 400;
/** A track this far from every other is measured alone: its heights are its session's. */
const ALONE_M = 0.9;

function signature(tr: Track): number | undefined {
  return tr.signature && tr.signature.n >= SIGNATURE_MIN ? tr.signature.h : undefined;
}

/** Exchanges the two tracks' identities and the history they gathered before they met. */
function swapIdentities(a: Track, b: Track, before: number): void {
  [a.sessionId, b.sessionId] = [b.sessionId, a.sessionId];
  const split = <T extends { t: number } | [number, ...number[]]>(xs: T[], pre: boolean) =>
    xs.filter((x) => (Array.isArray(x) ? (x[0] as number) : (x as { t: number }).t) < before === pre);
  const aw = a.wrists;
  a.wrists = [...split(b.wrists, true), ...split(aw, false)];
  b.wrists = [...split(aw, true), ...split(b.wrists, false)];
  const ap = a.path;
  a.path = [...split(b.path, true), ...split(ap, false)];
  b.path = [...split(ap, true), ...split(b.path, false)];
  [a.contested, b.contested] = [b.contested, a.contested];
  [a.signature, b.signature] = [b.signature, a.signature];
}

function contest(a: Track, b: Track, t: number): void {
  a.contested = { ...a.contested, [b.sessionId as string]: t };
  b.contested = { ...b.contested, [a.sessionId as string]: t };
}

export class EncounterBook {
  open: Encounter[] = [];
  counters: EncounterCounters = { encounters: 0, kept: 0, swapped: 0, ambiguous: 0 };
  private learntUntil = 0;

  constructor(private readonly p: EncounterParams) {}

  /** Tracks with an unresolved encounter: their identity is in doubt until it resolves. */
  pending(trackId: string): boolean {
    return this.open.some((e) => e.a === trackId || e.b === trackId);
  }

  /**
   * A track's height signature is learnt only while it is alone, so it describes one person; it is the
   * reference a close pass is judged against, and moves with the person when a swap is undone.
   */
  private learn(t: number, live: Track[], everyone: Track[]): void {
    for (const tr of live) {
      if (tr.contested || this.pending(tr.id)) continue;
      if (everyone.some((o) => o !== tr && Math.hypot(o.x - tr.x, o.y - tr.y) < ALONE_M)) continue;
      const sig = (tr.signature ??= { h: 0, n: 0 });
      for (const [ht, h] of tr.recentHeights ?? []) {
        if (ht <= this.learntUntil || ht > t) continue;
        sig.n = Math.min(sig.n + 1, SIGNATURE_MAX);
        sig.h += (h - sig.h) / sig.n;
      }
    }
    this.learntUntil = t;
  }

  /**
   * Called a few times a second with the bound tracks in the store (`live`) and every track seen
   * lately, bound or not (`everyone`: an unbound person nearby also spoils a height sample).
   */
  check(t: number, live: Track[], everyone: Track[] = live): void {
    this.learn(t, live, everyone);
    const byId = new Map(live.map((tr) => [tr.id, tr]));
    for (let i = 0; i < live.length; i++) {
      const a = live[i] as Track;
      for (let j = i + 1; j < live.length; j++) {
        const b = live[j] as Track;
        if (a.sessionId === b.sessionId || Math.hypot(a.x - b.x, a.y - b.y) > this.p.meet) continue;
        const e = this.open.find((x) => (x.a === a.id && x.b === b.id) || (x.a === b.id && x.b === a.id));
        const d = Math.hypot(a.x - b.x, a.y - b.y);
        const v = Math.hypot(a.vx - b.vx, a.vy - b.vy);
        if (e) {
          e.apart = undefined;
          e.minD = Math.min(e.minD ?? d, d);
          e.relV = Math.max(e.relV ?? v, v);
        } else {
          // Already meeting someone else: this is a crowd, and so are those other encounters.
          const busy = this.open.filter((x) => [x.a, x.b].some((id) => id === a.id || id === b.id));
          for (const x of busy) x.crowd = true;
          this.counters.encounters++;
          this.open.push({
            a: a.id,
            b: b.id,
            start: t,
            hA: undefined,
            hB: undefined,
            crowd: busy.length > 0,
            minD: d,
            relV: v,
          });
        }
      }
    }
    this.open = this.open.filter((e) => {
      const a = byId.get(e.a);
      const b = byId.get(e.b);
      // One of them left (or its track ended) before they were apart: nothing more to learn.
      if (!a || !b) return false;
      if (Math.hypot(a.x - b.x, a.y - b.y) <= this.p.part) {
        e.apart = undefined;
        return true;
      }
      e.apart ??= t;
      if (t - e.apart < FRESH_MS) return true;
      return !this.resolve(e, a, b, t);
    });
  }

  /** Returns true once the encounter is decided. */
  private resolve(e: Encounter, a: Track, b: Track, t: number): boolean {
    const since = e.apart as number;
    const fa = freshHeight(a, since);
    const fb = freshHeight(b, since);
    e.hA = signature(a);
    e.hB = signature(b);
    if ((fa === undefined || fb === undefined) && t - since < GIVE_UP_MS) return false;
    // Two shoppers who never came closer than a body's width are told apart by their motion (the
    // tracker's matching); in simulated busy traffic such passes came out right 32 times in 33.
    if (!e.crowd && (e.minD ?? 0) >= SAFE_PASS_M) {
      this.counters.kept++;
      return true;
    }
    if (
      e.crowd ||
      fa === undefined ||
      fb === undefined ||
      e.hA === undefined ||
      e.hB === undefined ||
      Math.abs(e.hA - e.hB) < MIN_HEIGHT_GAP
    ) {
      this.counters.ambiguous++;
      contest(a, b, t);
      return true;
    }
    const keep = (fa - e.hA) ** 2 + (fb - e.hB) ** 2;
    const swap = (fa - e.hB) ** 2 + (fb - e.hA) ** 2;
    const llr = (keep - swap) / (2 * FRESH_SD * FRESH_SD);
    // Each fresh height must look like one of the two signatures, or someone else is involved.
    const fits = (f: number, h: number) => Math.abs(f - h) < 2 * FRESH_SD;
    if (llr > DECISIVE_LLR && fits(fa, e.hB) && fits(fb, e.hA)) {
      this.counters.swapped++;
      swapIdentities(a, b, e.start);
    } else if (llr < -DECISIVE_LLR && fits(fa, e.hA) && fits(fb, e.hB)) this.counters.kept++;
    else {
      this.counters.ambiguous++;
      contest(a, b, t);
    }
    return true;
  }
}
