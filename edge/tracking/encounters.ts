import { type Doubt, settleDoubts } from './doubts.ts';
import { freshHeight, learnSignatures, signature, swapIdentities } from './heights.ts';
import { heightLlr, type Identity, motionLlr } from './identity-evidence.ts';
import { freshLooks, type Looks, looksLlr, looksSignature } from './looks.ts';
import type { Track } from './track-manager.ts';

export type { Doubt } from './doubts.ts';
export type { Identity } from './identity-evidence.ts';

/**
 * Shoppers passing within a hand's width of each other: frame-by-frame matching cannot tell who is
 * who while their detections overlap. Their body heights can (heights.ts). Tracks that meet form a
 * group (a crowd when more join) that remembers who went in: each member's session and height
 * signature. Whenever a member is apart from the rest again, its fresh height is matched against
 * the identities still unclaimed in the group: a decisive match keeps its identity or gives it back
 * the one it should have (swapping with the track that took it); otherwise the track is contested
 * with whoever it could be, and its events go to review until later heights settle the doubt.
 */
export interface Encounter {
  /** Tracks still to be sorted out. */
  ids: string[];
  /** Identities that went in and nobody has been confirmed as yet. */
  pool: Identity[];
  start: number;
  /** How many tracks ever joined. */
  size: number;
  /** Member track → since when it has been apart from all the others. */
  apart: Record<string, number>;
  /**
   * Pairs of tracks ("a|b", ids sorted) that met each other, not only through someone else: two
   * who never did can only have exchanged persons through a chain of swaps. Optional in snapshots
   * written before it existed.
   */
  met?: string[];
}

const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);

export interface EncounterCounters {
  encounters: number;
  kept: number;
  swapped: number;
  ambiguous: number;
  /** Contested pairs that later heights confirmed or swapped back. */
  settledLater: number;
}

export interface EncounterParams {
  /** Tracks closer than this (m) have met. */
  meet: number;
  /** ... and are apart again beyond this. */
  part: number;
}

/** Log-odds that decide (1 in ~100), and the prior log-odds that the tracker kept identities right. */
const DECISIVE_LLR = 4.6;
const PRIOR_PAIR = 2.2;
const PRIOR_CROWD = 1.1;
const FRESH_MS = 1500;
const GIVE_UP_MS = 6000;
/** A track seen within this long is where it says it is (ms). */
const SEEN_MS = 1000;
/** A track unseen for this long next to another (within LOST_MEET_M) has met it. */
const LOST_MS = 300;
const LOST_MEET_M = 0.6;

export class EncounterBook {
  open: Encounter[] = [];
  doubts: Doubt[] = [];
  counters: EncounterCounters = { encounters: 0, kept: 0, swapped: 0, ambiguous: 0, settledLater: 0 };
  private learntUntil = 0;

  constructor(private readonly p: EncounterParams) {}

  /** Tracks in an unresolved group: their identity is in doubt until it resolves. */
  pending(trackId: string): boolean {
    return this.open.some((e) => e.ids.includes(trackId));
  }

  /**
   * For a track in an unresolved group, the sessions of the identities it may have taken (the other
   * members' own, and any not yet confirmed); undefined when it is in no open group.
   */
  rivals(trackId: string): string[] | undefined {
    const e = this.open.find((x) => x.ids.includes(trackId));
    if (!e) return undefined;
    const own = e.pool.find((x) => x.trackId === trackId)?.sessionId;
    return [...new Set(e.pool.map((x) => x.sessionId).filter((s) => s !== own))];
  }

  /**
   * Called a few times a second with the bound tracks in the store (`live`) and every track seen
   * lately, bound or not (`everyone`: an unbound person nearby also spoils a height sample).
   */
  check(t: number, live: Track[], everyone: Track[] = live): void {
    const seen = live.filter((tr) => t - tr.lastT < SEEN_MS);
    learnSignatures(this.learntUntil, t, seen, everyone, (tr) => this.pending(tr.id));
    this.learntUntil = t;
    const byId = new Map(live.map((tr) => [tr.id, tr]));
    for (let i = 0; i < live.length; i++) {
      const a = live[i] as Track;
      for (let j = i + 1; j < live.length; j++) {
        const b = live[j] as Track;
        if (a.sessionId === b.sessionId) continue;
        const d = Math.hypot(a.x - b.x, a.y - b.y);
        // A track that stopped getting detections where another one goes on has probably lost its
        // person under the other's: a meeting too, judged from where it was last seen.
        const lost = Math.max(t - a.lastT, t - b.lastT) >= LOST_MS;
        if (d > (lost ? LOST_MEET_M : this.p.meet)) continue;
        this.join(a, b, t);
      }
    }
    for (const e of this.open) this.sortOut(e, byId, t);
    this.open = this.open.filter((e) => e.ids.length > 0);
    this.settle(t, byId);
  }

  /** Puts two tracks that met into one group, merging the groups they were already in. */
  private join(a: Track, b: Track, t: number): void {
    const groups = this.open.filter((e) => e.ids.includes(a.id) || e.ids.includes(b.id));
    let g = groups[0];
    if (!g) {
      this.counters.encounters++;
      g = { ids: [], pool: [], start: t, size: 0, apart: {}, met: [] };
      this.open.push(g);
    }
    for (const o of groups.slice(1)) {
      g.ids.push(...o.ids);
      g.pool.push(...o.pool);
      g.start = Math.min(g.start, o.start);
      g.size += o.size;
      g.met = [...(g.met ?? []), ...(o.met ?? [])];
    }
    this.open = this.open.filter((e) => !groups.slice(1).includes(e));
    for (const tr of [a, b]) {
      if (g.ids.includes(tr.id) || tr.sessionId === null) continue;
      g.ids.push(tr.id);
      // A member sorted out earlier without a verdict still has its first identity in the pool.
      if (!g.pool.some((x) => x.trackId === tr.id))
        g.pool.push({
          trackId: tr.id,
          sessionId: tr.sessionId,
          h: signature(tr),
          looks: looksSignature(tr),
          x: tr.x,
          y: tr.y,
          vx: tr.vx,
          vy: tr.vy,
          t,
        });
      g.size++;
    }
    const key = pairKey(a.id, b.id);
    if (!g.met?.includes(key)) g.met = [...(g.met ?? []), key];
    g.apart = {};
  }

  /** Decides every member that has been apart from the rest long enough to measure it alone. */
  private sortOut(e: Encounter, byId: Map<string, Track>, t: number): void {
    // A member that left the store (or whose track ended) is not sorted out; its identity stays in
    // the pool, so the others are still checked against it.
    e.ids = e.ids.filter((id) => byId.has(id));
    const members = e.ids.map((id) => byId.get(id) as Track);
    for (const m of members) {
      const alone =
        t - m.lastT < SEEN_MS &&
        // Apart from everyone it could be mistaken for; members of its own group walk with it.
        members.every(
          (o) =>
            o === m ||
            o.sessionId === m.sessionId ||
            (t - o.lastT < SEEN_MS && Math.hypot(o.x - m.x, o.y - m.y) > this.p.part),
        );
      if (!alone) {
        delete e.apart[m.id];
        continue;
      }
      e.apart[m.id] ??= t;
      if (t - (e.apart[m.id] as number) < FRESH_MS) continue;
      if (this.decide(e, m, members, t, byId)) e.ids = e.ids.filter((id) => id !== m.id);
    }
  }

  /**
   * Weighs, for one member apart from the rest, "it is still who it was" against "it is identity x"
   * for every other identity that went in: the member's fresh height against both signatures, the
   * fresh height of x's current holder when that one is apart too, and the tracker's own matching
   * (right most of the time) as prior odds. True once decided.
   */
  private decide(e: Encounter, m: Track, members: Track[], t: number, byId: Map<string, Track>): boolean {
    const since = e.apart[m.id] as number;
    // An identity that went in unlearnt may have been learnt since by its track, once out of the group.
    for (const x of e.pool) {
      const tr = byId.get(x.trackId);
      if (!tr || tr.sessionId !== x.sessionId || this.pending(tr.id)) continue;
      if (x.h === undefined) x.h = signature(tr);
      if (!x.looks?.upper || !x.looks.lower) x.looks = { ...looksSignature(tr), ...x.looks };
    }
    const f = freshHeight(m, since);
    const looks = freshLooks(m, since);
    if (f === undefined && !looks.upper && !looks.lower && t - since < GIVE_UP_MS) return false;
    const own = e.pool.find((x) => x.trackId === m.id) ?? e.pool.find((x) => x.sessionId === m.sessionId);
    const rivals = e.pool.filter((x) => x !== own && x.sessionId !== m.sessionId);
    const claim = () => {
      e.pool = e.pool.filter((y) => y !== own);
    };
    if (!own) {
      for (const x of rivals) this.contest(m, x, t, e.start, 'identity lost in the crowd');
      if (rivals.length > 0) this.counters.ambiguous++;
      return true;
    }
    const prior = e.size === 2 ? PRIOR_PAIR : PRIOR_CROWD;
    const doubtful: Identity[] = [];
    const swaps: Array<{ x: Identity; holder: Track }> = [];
    for (const x of rivals) {
      // Positive: m is still its own person. A height not measured is no evidence either way; a
      // signature not learnt is anybody's height (the population's spread).
      let llr = heightLlr(f, own.h, x.h) + looksLlr(looks, own.looks, x.looks) + motionLlr(m, own, x, t);
      const holder = members.find((o) => o !== m && o.sessionId === x.sessionId);
      const holderSince = holder ? e.apart[holder.id] : undefined;
      if (holder && holderSince !== undefined) {
        const g = freshHeight(holder, holderSince);
        const gl = freshLooks(holder, holderSince);
        llr += heightLlr(g, x.h, own.h) + looksLlr(gl, x.looks, own.looks);
        if (g !== undefined || gl.upper || gl.lower) llr += motionLlr(holder, x, own, t);
      }
      // Only a chain of swaps hands a person to a track it never met: one more unlikely step.
      const direct = e.met === undefined || e.met.includes(pairKey(m.id, x.trackId));
      llr += direct ? prior : prior + PRIOR_PAIR;
      if (llr >= DECISIVE_LLR) continue;
      if (llr <= -DECISIVE_LLR && holder) swaps.push({ x, holder });
      else doubtful.push(x);
    }
    const swap = swaps[0];
    if (doubtful.length === 0 && swaps.length === 1 && swap) {
      // m came out with x's person, and x's holder with m's: give both their identities back.
      swapIdentities(m, swap.holder, e.start);
      e.pool = e.pool.filter((y) => y !== swap.x);
      this.counters.swapped++;
      return true;
    }
    if (doubtful.length === 0 && swaps.length === 0) {
      this.counters.kept++;
      claim();
      return true;
    }
    const why =
      f === undefined && !looks.upper && !looks.lower
        ? 'height not seen after the pass'
        : own.h === undefined || doubtful.some((x) => x.h === undefined)
          ? 'height not yet learnt'
          : 'similar heights';
    for (const x of [...doubtful, ...swaps.map((w) => w.x)]) this.contest(m, x, t, e.start, why, own.looks);
    this.counters.ambiguous++;
    return true;
  }

  private contest(a: Track, x: Identity, t: number, met: number, why: string, la?: Looks): void {
    if (a.sessionId === null || a.sessionId === x.sessionId) return;
    a.contested = { ...a.contested, [x.sessionId]: t };
    this.doubts.push({
      a: a.id,
      b: x.trackId,
      sa: a.sessionId,
      sb: x.sessionId,
      ha: signature(a),
      hb: x.h,
      la: la ?? looksSignature(a),
      lb: x.looks ?? {},
      met,
      t,
      why,
    });
  }

  private settle(t: number, byId: Map<string, Track>): void {
    this.doubts = settleDoubts(
      this.doubts,
      t,
      byId,
      (id) => this.pending(id),
      () => this.counters.settledLater++,
    );
  }
}
