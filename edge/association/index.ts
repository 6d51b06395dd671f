import type { Ray } from '../../core/geometry/camera-model.ts';
import type { Box3 } from '../../core/store/schema.ts';
import type { AssociationResult } from '../tracking/index.ts';
import type { SessionRecord } from '../tracking/session-registry.ts';
import type { Track } from '../tracking/track-manager.ts';

/** Tunables of association; defaults suit ceiling cameras with ~5 cm wrist error. */
export interface AssociationParams {
  /**
   * Distance scale (m) turning wrist-to-plate distance into likelihood. It sets how much nearer the
   * winner must have reached for a certain verdict: 0.12 m made more verdicts certain, and more of
   * them wrong (busy, 4 seeds × 10 min: wrong charges 1.4 → 1.9 %).
   */
  sigma: number;
  /** Best distance beyond which nobody was really at the shelf. */
  maxDistance: number;
  /** Runner-up probability above which the event is ambiguous. */
  ambiguity: number;
  /**
   * Look this long before the event start and after its end for hands (ms): the weight changes while
   * the hand is in the shelf, so only the detector's onset lag and the clocks' skew need covering.
   * A wider window (1.2 s / 0.6 s before) also took in a neighbour's reach just before or after.
   */
  before: number;
  after: number;
  /**
   * Log-odds per moment (100 ms) a hand dwelt at the plates, and the distance (m) that counts as
   * there: the closest approach alone let a neighbour reaching for the next plate, or a bystander's
   * stray wrist, tie with the shopper whose hand was in the shelf all along.
   */
  dwellWeight: number;
  dwellScale: number;
  /**
   * Dwell (moments at the plates) of the runner-up above which the event stays ambiguous however
   * much longer the winner dwelt: two hands in the shelf may be two interactions that the weight
   * saw as one (two takes of one facing merged into one of two units).
   */
  bothDwelt: number;
  /**
   * Likelihood ratio for a session whose only tracks near the plates were acting on another plate at
   * the same time (edge/tracking/busy-hands.ts): a hand does one thing at a time.
   */
  busyOdds: number;
  /**
   * Distance scale (m) used instead of `sigma` when no hand was seen at the plates: the nearest seen
   * came more than `hiddenBeyond` m from them, or only where the shoppers stood is known. The hand
   * was hidden (a low shelf), and a few centimetres' lead of what was seen does not tell whose it
   * was: with `sigma`, 0.89 m against 1.02 m charged the wrong shopper at p = 0.995 (busy).
   */
  hiddenSigma: number;
  hiddenBeyond: number;
}

export const DEFAULT_ASSOCIATION: AssociationParams = {
  sigma: 0.15,
  maxDistance: 1.0,
  ambiguity: 0.1,
  before: 300,
  after: 200,
  dwellWeight: 0.5,
  dwellScale: 0.07,
  bothDwelt: 1,
  busyOdds: 0.05,
  hiddenSigma: 0.3,
  hiddenBeyond: 0.3,
};

function boxDistance(p: readonly number[], boxes: Box3[], dims: 2 | 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (const b of boxes) {
    let s = 0;
    for (let k = 0; k < dims; k++) {
      const v = p[k] ?? 0;
      const d = Math.max((b.min[k] ?? 0) - v, 0, v - (b.max[k] ?? 0));
      s += d * d;
    }
    best = Math.min(best, Math.sqrt(s));
  }
  return best;
}

/** Arm's reach (m) from the body axis within which a single-view wrist ray is searched. */
const ARM_REACH_M = 1.0;
const RAY_SAMPLES = 16;
const SINGLE_VIEW_PENALTY_M = 0.1;

/**
 * A wrist seen by one camera lies somewhere on its ray, within arm's reach of where the body stood:
 * the closest that stretch of the ray comes to the plates is how near the hand may have been.
 */
function rayReach(ray: Ray, body: readonly [number, number], boxes: Box3[]): number {
  const [ox, oy, oz] = ray.origin;
  const [dx, dy, dz] = ray.dir;
  // Ray parameters where the horizontal distance to the body axis is within reach: solve
  // |(o + s·d)_xy − body|² ≤ R² for s.
  const px = ox - body[0];
  const py = oy - body[1];
  const a = dx * dx + dy * dy;
  if (a < 1e-9) return boxDistance([ox, oy, oz], boxes, 3);
  const b = 2 * (px * dx + py * dy);
  const c = px * px + py * py - ARM_REACH_M * ARM_REACH_M;
  const disc = b * b - 4 * a * c;
  if (disc < 0) return Number.POSITIVE_INFINITY;
  const s0 = Math.max(0, (-b - Math.sqrt(disc)) / (2 * a));
  const s1 = (-b + Math.sqrt(disc)) / (2 * a);
  if (s1 < s0) return Number.POSITIVE_INFINITY;
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i <= RAY_SAMPLES; i++) {
    const s = s0 + ((s1 - s0) * i) / RAY_SAMPLES;
    best = Math.min(best, boxDistance([ox + s * dx, oy + s * dy, oz + s * dz], boxes, 3));
  }
  return best;
}

/** A session none of whose tracks was seen for this long (ms) before an event is lost. */
const LOST_BEFORE_MS = 1200;

/** How much nearer (m) an unbound person must have reached than the only shopper to doubt them. */
const UNBOUND_MARGIN_M = 0.25;

const REST_RADIUS_M = 0.35;
const REST_Z: [number, number] = [0.35, 1.1];
const REST_DISTANCE_M = 0.3;

/**
 * A single view cannot place a wrist along its ray; when that ray passes by the hip, a hand hanging
 * at rest explains it (hands are at rest most of the time), so it is no evidence of a reach.
 */
function atRest(nearAxisPoint: readonly number[], body: readonly [number, number]): number {
  const off = Math.hypot((nearAxisPoint[0] ?? 0) - body[0], (nearAxisPoint[1] ?? 0) - body[1]);
  const z = nearAxisPoint[2] ?? 0;
  return off < REST_RADIUS_M && z > REST_Z[0] && z < REST_Z[1] ? REST_DISTANCE_M : 0;
}

/** Wrist samples are pooled per moment of this length (ms): about two camera frames. */
const MOMENT_MS = 100;

interface Reach {
  /** Closest approach of any member's wrist (or, unseen, arm's reach from where it stood), m. */
  d: number;
  /** Moments in the window a member's hand was at the plates, each weighed by how near it was. */
  dwell: number;
  /** The member who came closest: in a group only that one's identity matters. */
  track: Track | undefined;
  /** No wrist of theirs was seen in the window: `d` is arm's reach from where they stood. */
  floorOnly?: boolean;
}

/**
 * How a session's members reached for the plates during the window. A shopper who takes an item
 * keeps the hand in the shelf for most of the window, a bystander's wrist strays near it for a
 * moment at most, so besides the closest approach each moment (its nearest wrist) adds to the
 * session's dwell.
 */
function sessionReach(tracks: Track[], boxes: Box3[], t0: number, t1: number, dwellScale: number): Reach {
  const best = {
    tri: Number.POSITIVE_INFINITY,
    single: Number.POSITIVE_INFINITY,
    floor: Number.POSITIVE_INFINITY,
  };
  const by: { tri?: Track; single?: Track; floor?: Track } = {};
  const moments = new Map<number, number>();
  for (const tr of tracks) {
    for (const w of tr.wrists) {
      if (w.t < t0 || w.t > t1) continue;
      const { ray, body } = w;
      const d =
        ray && body ? Math.max(rayReach(ray, body, boxes), atRest(w.p, body)) : boxDistance(w.p, boxes, 3);
      const kind = w.tri ? 'tri' : 'single';
      if (d < best[kind]) {
        best[kind] = d;
        by[kind] = tr;
      }
      const k = Math.floor(w.t / MOMENT_MS);
      const dm = ray && body ? d + SINGLE_VIEW_PENALTY_M : d;
      if (dm < (moments.get(k) ?? Number.POSITIVE_INFINITY)) moments.set(k, dm);
    }
    for (const [t, x, y] of tr.path) {
      if (t < t0 || t > t1) continue;
      // Arm's reach from where the shopper stood.
      const d = Math.max(0, boxDistance([x, y], boxes, 2) - 0.55);
      if (d < best.floor) {
        best.floor = d;
        by.floor = tr;
      }
    }
  }
  let dwell = 0;
  for (const dm of moments.values()) dwell += Math.exp(-(dm * dm) / (2 * dwellScale * dwellScale));
  // A hand in a shelf is often seen by one camera only: its ray counts beside the triangulated
  // wrists (those show where the hand was before and after), a little less sure.
  const single = best.single + SINGLE_VIEW_PENALTY_M;
  if (Number.isFinite(best.tri) && best.tri <= single) return { d: best.tri, dwell, track: by.tri };
  if (Number.isFinite(best.single)) return { d: single, dwell, track: by.single };
  return { d: best.floor + 0.2, dwell, track: by.floor, floorOnly: true };
}

/**
 * Sessions whose hands reached within `within` m of the boxes during [t0, t1]: who may have taken
 * from a plate that could not weigh it (a faulted plate detects no event to attribute).
 */
export function reachedInto(
  boxes: Box3[],
  t0: number,
  t1: number,
  present: SessionRecord[],
  tracksOf: (sessionId: string) => Track[],
  within: number,
): string[] {
  return present
    .filter(
      (s) => sessionReach(tracksOf(s.sessionId), boxes, t0, t1, DEFAULT_ASSOCIATION.dwellScale).d <= within,
    )
    .map((s) => s.sessionId);
}

/**
 * Attributes a shelf event to the sessions present. One session present: certain. Otherwise, with
 * cameras, each session is scored by its members' closest wrist approach to the plates; without
 * cameras the event is spread evenly and flagged.
 */
export function associate(
  boxes: Box3[],
  t0: number,
  t1: number,
  present: SessionRecord[],
  tracksOf: (sessionId: string) => Track[],
  camerasUp: boolean,
  /**
   * The sessions a track may be confused with right now (it is in an unresolved close pass), or
   * undefined when its identity is not in doubt.
   */
  inDoubt: (trackId: string) => string[] | undefined = () => undefined,
  p: AssociationParams = DEFAULT_ASSOCIATION,
  /** Tracks seen lately that no session is bound to. */
  unbound: Track[] = [],
  /** Tracks whose hand was making another shelf event at the time. */
  busy: ReadonlySet<string> = new Set(),
): AssociationResult {
  if (present.length === 0) return { candidates: [], uncertain: 'no shopper inside the store' };
  if (present.length === 1) {
    const only: AssociationResult = {
      candidates: [{ sessionId: (present[0] as SessionRecord).sessionId, prob: 1 }],
    };
    if (!camerasUp || unbound.length === 0) return only;
    // The only shopper is unambiguous unless a person the gate never bound (a tailgater) reached in
    // and the shopper's own track did not.
    const mine = sessionReach(
      tracksOf((present[0] as SessionRecord).sessionId),
      boxes,
      t0 - p.before,
      t1 + p.after,
      p.dwellScale,
    ).d;
    const u = sessionReach(unbound, boxes, t0 - p.before, t1 + p.after, p.dwellScale).d;
    if (Number.isFinite(u) && u <= p.maxDistance && (!Number.isFinite(mine) || mine - u > UNBOUND_MARGIN_M))
      only.uncertain = `an unidentified shopper at the shelf (${u.toFixed(2)} m vs ${Number.isFinite(mine) ? mine.toFixed(2) : 'unseen'})`;
    return only;
  }
  const uniform = (why: string): AssociationResult => ({
    candidates: present.map((s) => ({ sessionId: s.sessionId, prob: 1 / present.length })),
    uncertain: why,
  });
  if (!camerasUp) return uniform(`${present.length} shoppers inside and cameras unavailable`);
  const scored = present.map((s) => {
    // A group member busy elsewhere does not speak for the group; a session all of whose tracks
    // were busy keeps its reach, at the odds of a second hand.
    const all = tracksOf(s.sessionId);
    const free = all.filter((tr) => !busy.has(tr.id));
    const tracks = free.length > 0 ? free : all;
    return {
      s,
      busy: free.length === 0 && all.length > 0,
      ...sessionReach(tracks, boxes, t0 - p.before, t1 + p.after, p.dwellScale),
    };
  });
  const best = Math.min(...scored.map((x) => x.d));
  if (!Number.isFinite(best)) return uniform('no tracked shopper near the shelf');
  const hidden = best > p.hiddenBeyond || scored.find((x) => x.d === best)?.floorOnly === true;
  const sigma = hidden ? p.hiddenSigma : p.sigma;
  // Likelihoods relative to the best, so far-away shoppers underflow to 0 rather than NaN.
  const nearest = scored.map(
    (x) => Math.exp(-0.5 * ((x.d * x.d - best * best) / (sigma * sigma))) * (x.busy ? p.busyOdds : 1),
  );
  const mostDwell = Math.max(...scored.map((x) => x.dwell));
  const w = scored.map((x, i) => (nearest[i] ?? 0) * Math.exp(p.dwellWeight * (x.dwell - mostDwell)));
  const total = w.reduce((a, b) => a + b, 0);
  const candidates = scored
    .map((x, i) => ({ sessionId: x.s.sessionId, prob: (w[i] ?? 0) / total, d: x.d, track: x.track }))
    .sort((a, b) => b.prob - a.prob || a.sessionId.localeCompare(b.sessionId));
  const winner = candidates[0];
  const result: AssociationResult = {
    candidates: candidates.map(({ sessionId, prob }) => ({ sessionId, prob })),
    ...(winner?.track ? { actor: winner.track.id } : {}),
  };
  // The closest approach alone would call it ambiguous: dwell decides only if the runner-up's hand
  // merely strayed near, not if it stayed in the shelf as well.
  const nearestTotal = nearest.reduce((a, b) => a + b, 0);
  const closeRunnerUp = [...nearest].sort((a, b) => b - a)[1] ?? 0;
  const dwells = scored
    .filter((x) => !x.busy)
    .map((x) => x.dwell)
    .sort((a, b) => b - a);
  const bothInShelf = closeRunnerUp / nearestTotal > p.ambiguity && (dwells[1] ?? 0) >= p.bothDwelt;
  // Whose identity matters: the member who reached in (a group's other members may be elsewhere).
  const actor = winner?.track;
  const here = (id: string) => id !== winner?.sessionId && present.some((s) => s.sessionId === id);
  const swapped = Object.keys(actor?.contested ?? {}).filter(here);
  const pending = actor ? inDoubt(actor.id)?.filter(here) : undefined;
  // No bound track explains the reach: nobody near, or an unbound person nearer.
  let unexplained = best > p.maxDistance;
  if (unexplained) result.uncertain = `nearest shopper ${best.toFixed(2)} m from the shelf`;
  else if ((candidates[1]?.prob ?? 0) > p.ambiguity || bothInShelf)
    result.uncertain = `two shoppers at the shelf (${(candidates[0]?.d ?? 0).toFixed(2)} m vs ${(candidates[1]?.d ?? 0).toFixed(2)} m)`;
  else if (swapped.length > 0 || pending) {
    result.uncertain =
      swapped.length > 0
        ? 'shopper passed close to another; identities may have swapped'
        : 'shopper is next to another; identities not yet resolved';
    if (actor && winner) result.identityDoubt = { trackId: actor.id, sessionId: winner.sessionId };
  } else if (unbound.length > 0) {
    // Someone the gate never bound to a session (lost identity, or not scanned) reached in closer.
    const u = sessionReach(unbound, boxes, t0 - p.before, t1 + p.after, p.dwellScale).d;
    const wu = Math.exp(-0.5 * ((u * u - best * best) / (sigma * sigma)));
    if (Number.isFinite(u) && wu / (total + wu) > p.ambiguity) {
      result.uncertain = `an unidentified shopper at the shelf (${u.toFixed(2)} m vs ${best.toFixed(2)} m)`;
      unexplained = true;
    }
  }
  // Whoever the actor's track may really be is a candidate too, however far their own track is. When
  // no bound track explains the reach, the sessions whose tracks are lost are the likeliest owners.
  const lost = unexplained
    ? present
        .filter((s) => tracksOf(s.sessionId).every((tr) => tr.lastT < t0 - LOST_BEFORE_MS))
        .map((s) => s.sessionId)
        .filter(here)
    : [];
  const rivals = [...new Set([...swapped, ...(pending ?? []), ...lost])];
  if (result.uncertain && rivals.length > 0) result.rivals = rivals;
  return result;
}
