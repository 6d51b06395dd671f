import { crossesLine, distanceToLine, sideOfLine } from '../../core/geometry/floor-lines.ts';
import type { GateConfig, Rect } from '../../core/store/schema.ts';
import type { Track } from './track-manager.ts';

/**
 * Where tracks meet sessions: a track is bound to the session scanned at the entry as it walks
 * through, and the bound track nearest the exit line is who walked out. Sessions are opaque tokens;
 * nothing about the person is kept.
 */

/** One slot per `in` passage: the person who just walked through, waiting for a track. */
export interface BirthSlot {
  t: number;
  sessionId: string;
  /** The entry gate passed; absent in snapshots written before binding waited for the crossing. */
  gateId?: string;
  /** When binding began (store clock), if well after `t`: judged by the tracks' paths since `t`. */
  heardAt?: number;
  /**
   * The door's report itself came late: everyone who walked in since is a candidate, so only a
   * plain match binds (a passage heard on time whose scan came late knows its moment).
   */
  doorLate?: boolean;
  /** No passage came: one was assumed at the scan's time `t` (bound only if unambiguous). */
  assumed?: boolean;
}

/** A track is born within this long (ms) of the passage it belongs to. */
const BIRTH_WINDOW_MS = 2500;
/** An unmatched detection this close (m) to an entry zone may be a shopper just in. */
const ENTRY_MARGIN_M = 0.7;

function inRect(x: number, y: number, r: Rect, margin: number): boolean {
  return x >= r.min[0] - margin && x <= r.max[0] + margin && y >= r.min[1] - margin && y <= r.max[1] + margin;
}

/** Whether a floor point is where people just in appear: in or next to an entry zone. */
export function nearEntry(entryZones: Rect[], x: number, y: number): boolean {
  return entryZones.some((z) => inRect(x, y, z, ENTRY_MARGIN_M));
}

/** The track closest to the line, within `reach` (m), among those `eligible`. */
function nearestToLine(
  tracks: Track[],
  line: GateConfig['line'],
  reach: number,
  eligible: (tr: Track) => boolean,
): Track | undefined {
  let best: Track | undefined;
  let bestD = reach;
  for (const tr of tracks) {
    if (!eligible(tr)) continue;
    const d = distanceToLine(tr.x, tr.y, line);
    if (d < bestD) {
      best = tr;
      bestD = d;
    }
  }
  return best;
}

/** Binds the unbound track nearest the entry line (within 1.2 m) to the session; false if none. */
export function bindAtGate(tracks: Track[], gate: GateConfig, sessionId: string, t: number): boolean {
  const best = nearestToLine(
    tracks,
    gate.line,
    1.2,
    (tr) => tr.sessionId === null && !tr.exited && Math.abs(t - tr.lastT) <= 1500,
  );
  if (best) best.sessionId = sessionId;
  return best !== undefined;
}

/**
 * When the track's path, then its current position, last crossed `line` since `since` (the middle
 * of the crossing step); `from`, if given, keeps only steps that start on that side.
 */
export function lastCrossing(
  tr: Track,
  line: GateConfig['line'],
  since: number,
  from?: Side,
): number | undefined {
  const pts = [...tr.path.map(([t, x, y]) => [x, y, t] as const), [tr.x, tr.y, tr.lastT] as const];
  for (let i = pts.length - 1; i > 0; i--) {
    const b = pts[i] as readonly [number, number, number];
    const a = pts[i - 1] as readonly [number, number, number];
    if (b[2] < since) break;
    if (crossesLine(a, b, line) && (!from || from(a[0], a[1]))) return (a[2] + b[2]) / 2;
  }
  return undefined;
}

/** When the track walked in through the line since `since`: its path crossed it, or it was born inside. */
function cameInAt(tr: Track, line: GateConfig['line'], inside: Side, since: number): number | undefined {
  const crossed = lastCrossing(tr, line, since);
  if (crossed !== undefined) return crossed;
  const [, x, y] = tr.path[0] ?? [tr.lastT, tr.x, tr.y];
  return tr.bornAt >= since && inside(x, y) ? tr.bornAt : undefined;
}

/**
 * Whether the track is within reach of the line now (`t0 >= t1`), or was at some time of [t0, t1]
 * by its path (the last 12 s): a passage that reached the edge late is judged by where people were
 * while it would have been waiting on time, not by where they walked since.
 */
function nearLineDuring(tr: Track, line: GateConfig['line'], t0: number, t1: number): boolean {
  if (t0 >= t1) return distanceToLine(tr.x, tr.y, line) <= BIND_REACH_M;
  if (tr.lastT >= t0 && tr.lastT <= t1 && distanceToLine(tr.x, tr.y, line) <= BIND_REACH_M) return true;
  let before: readonly [number, number, number] | undefined;
  for (const p of tr.path) {
    if (p[0] > t1) break;
    if (p[0] < t0) before = p;
    else if (distanceToLine(p[1], p[2], line) <= BIND_REACH_M) return true;
  }
  // No sample inside the window (paths keep one every 200 ms): where it was last before.
  const last = before ?? [tr.lastT, tr.x, tr.y];
  return distanceToLine(last[1], last[2], line) <= BIND_REACH_M;
}

/** A passage heard this long (ms) after its time stamp was late. */
export const LATE_PASSAGE_MS = 500;
/** A late passage binds a track that came in this close (ms) to it, with no other one as close. */
const LATE_CLEAR_MS = 700;
/** A passage binds a track that came in within this long (ms) before it, or after it. */
const CAME_IN_BEFORE_MS = 2000;
/** Waiting this long (ms) for the track to come in, then the nearest track to the line. */
const BIND_WAIT_MS = 1500;
const BIND_REACH_M = 1.5;

/**
 * Binds entry passages to the tracks of the people who made them: the unbound track that came in
 * through the line (crossed it, or appeared on the store side) nearest the passage's time. Binding
 * waits for that, because the person who just walked through is often not tracked yet, while the
 * next shopper waiting in front of the line is, and nearer to it. Returns the passages still
 * waiting for a track; once the wait is over, the track nearest the line, else a track born later.
 */
export function bindPassages(
  slots: BirthSlot[],
  tracks: Track[],
  gates: Map<string, GateConfig>,
  inside: Map<string, Side>,
  now: number,
): BirthSlot[] {
  if (slots.length === 0) return slots;
  return slots.filter((slot) => {
    const gate = slot.gateId === undefined ? undefined : gates.get(slot.gateId);
    const side = slot.gateId === undefined ? undefined : inside.get(slot.gateId);
    if (!gate || !side) return true;
    if (slot.assumed) {
      const rivals = slots.some((o) => o !== slot && o.gateId === slot.gateId);
      const only = rivals ? undefined : onlyCameIn(tracks, gate, side, slot.t);
      if (only) only.sessionId = slot.sessionId;
      return false;
    }
    let best: Track | undefined;
    let bestDt = Number.POSITIVE_INFINITY;
    let nextDt = Number.POSITIVE_INFINITY;
    for (const tr of tracks) {
      if (tr.sessionId !== null || tr.exited || now - tr.lastT > 500) continue;
      if (!side(tr.x, tr.y)) continue;
      const from = slot.heardAt === undefined ? now : slot.t;
      if (!nearLineDuring(tr, gate.line, from, Math.min(now, slot.t + BIND_WAIT_MS))) continue;
      const at = cameInAt(tr, gate.line, side, slot.t - CAME_IN_BEFORE_MS);
      if (at === undefined) continue;
      const dt = Math.abs(at - slot.t);
      if (dt < bestDt) {
        nextDt = bestDt;
        best = tr;
        bestDt = dt;
      } else nextDt = Math.min(nextDt, dt);
    }
    if (slot.doorLate) {
      // Heard late, the passage finds everyone who came in since: bind only who plainly made it;
      // otherwise nobody (those carts go to review, never to the wrong card).
      const plain = best && bestDt <= LATE_CLEAR_MS && nextDt - bestDt >= LATE_CLEAR_MS;
      if (plain && best) best.sessionId = slot.sessionId;
      return !plain && now - slot.t < BIND_WAIT_MS;
    }
    if (best) {
      best.sessionId = slot.sessionId;
      return false;
    }
    if (now - slot.t < BIND_WAIT_MS) return true;
    if (bindAtGate(tracks, gate, slot.sessionId, now)) return false;
    // Nobody tracked near the gate: the next track born at the entry takes it (takeBirthSlot).
    slot.gateId = undefined;
    return true;
  });
}

/** Where (ms after its scan) the shopper of an assumed passage crossed the line. */
const ASSUMED_SPAN_MS: [number, number] = [-500, 4000];

/**
 * The one unbound track that came in through the line in the span after a scan the door did not
 * follow; none if two or more did (then nobody is bound: their carts go to review, never to the
 * wrong card).
 */
function onlyCameIn(tracks: Track[], gate: GateConfig, side: Side, scanT: number): Track | undefined {
  const came = tracks.filter((tr) => {
    if (tr.sessionId !== null || tr.exited) return false;
    const at = cameInAt(tr, gate.line, side, scanT + ASSUMED_SPAN_MS[0]);
    return at !== undefined && at <= scanT + ASSUMED_SPAN_MS[1];
  });
  return came.length === 1 ? came[0] : undefined;
}

/**
 * Of the tracks bound to `sessionId`, the one that came in nearest the passage at `t`, if the
 * session has another one: the passage was bound to it, and it is not the session's own shopper.
 */
export function trackOfPassage(
  tracks: Track[],
  sessionId: string,
  t: number,
  gate: GateConfig,
  inside: Side,
): Track | undefined {
  const mine = tracks.filter((tr) => tr.sessionId === sessionId && !tr.exited);
  if (mine.length < 2) return undefined;
  let best: Track | undefined;
  let bestDt = Number.POSITIVE_INFINITY;
  for (const tr of mine) {
    const at = cameInAt(tr, gate.line, inside, t - CAME_IN_BEFORE_MS);
    if (at !== undefined && Math.abs(at - t) < bestDt) {
      best = tr;
      bestDt = Math.abs(at - t);
    }
  }
  return best;
}

/** Whether a floor point is on the store side of a gate's line. */
export type Side = (x: number, y: number) => boolean;

/** The store side of a gate: where the middle of the floor is (gates sit on the perimeter). */
export function storeSide(gate: GateConfig, floor: { width: number; depth: number }): Side {
  const centre = sideOfLine(floor.width / 2, floor.depth / 2, gate.line);
  return (x, y) => sideOfLine(x, y, gate.line) === centre;
}

/** How far (m) in front of a gate, on the street side, people are outside rather than lost shoppers. */
const OUTSIDE_M = 3;

/**
 * Whether a floor point is outside the store in front of a gate: someone queueing to come in or who
 * just walked out. A camera that sees past the gates sees them; they must not take over the track
 * of a shopper the cameras lost inside.
 */
export function outsideAtGate(gates: GateConfig[], inside: Map<string, Side>, x: number, y: number): boolean {
  return gates.some((g) => {
    const side = inside.get(g.id);
    return side !== undefined && !side(x, y) && distanceToLine(x, y, g.line) < OUTSIDE_M;
  });
}

/**
 * An unmatched detection near the entry becomes the track of whoever passed the gate closest in
 * time (each `in` passage binds one track, its slot is used up), so a shopper arriving right after
 * a group is never mistaken for one of its members.
 */
export function takeBirthSlot(
  slots: BirthSlot[],
  entryZones: Rect[],
  x: number,
  y: number,
  t: number,
): string | undefined {
  if (!nearEntry(entryZones, x, y)) return undefined;
  let best = -1;
  for (let i = 0; i < slots.length; i++) {
    if ((slots[i] as BirthSlot).gateId !== undefined) continue;
    const d = Math.abs((slots[i] as BirthSlot).t - t);
    if (d <= BIRTH_WINDOW_MS && (best < 0 || d < Math.abs((slots[best] as BirthSlot).t - t))) best = i;
  }
  if (best < 0) return undefined;
  const [slot] = slots.splice(best, 1);
  return slot?.sessionId;
}

/** Whether an unbound track seen lately is next to the exit line (within 2.5 m). */
export function unboundAtExit(tracks: Track[], gate: GateConfig, t: number): boolean {
  const at = nearestToLine(
    tracks,
    gate.line,
    2.5,
    (tr) => !tr.exited && tr.sessionId === null && t - tr.lastT <= 5000,
  );
  return at !== undefined;
}

/** The bound track seen lately that is closest to the exit line (within 2.5 m), if any. */
export function nearestToExit(tracks: Track[], gate: GateConfig, t: number): Track | undefined {
  return nearestToLine(
    tracks,
    gate.line,
    2.5,
    (tr) => !tr.exited && tr.sessionId !== null && t - tr.lastT <= 5000,
  );
}
