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
}

/** A track is born within this long (ms) of the passage it belongs to. */
const BIRTH_WINDOW_MS = 2500;
/** An unmatched detection this close (m) to an entry zone may be a shopper just in. */
const ENTRY_MARGIN_M = 0.7;

export function segmentDistance(x: number, y: number, line: GateConfig['line']): number {
  const [[ax, ay], [bx, by]] = line;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const s = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
  return Math.hypot(x - (ax + s * dx), y - (ay + s * dy));
}

function inRect(x: number, y: number, r: Rect, margin: number): boolean {
  return x >= r.min[0] - margin && x <= r.max[0] + margin && y >= r.min[1] - margin && y <= r.max[1] + margin;
}

/** Binds the unbound track that just walked through the entry gate to the session; false if none. */
export function bindAtGate(tracks: Track[], gate: GateConfig, sessionId: string, t: number): boolean {
  let best: Track | undefined;
  let bestD = 1.2;
  for (const tr of tracks) {
    if (tr.sessionId !== null || tr.exited || Math.abs(t - tr.lastT) > 1500) continue;
    const d = segmentDistance(tr.x, tr.y, gate.line);
    if (d < bestD) {
      best = tr;
      bestD = d;
    }
  }
  if (best) best.sessionId = sessionId;
  return best !== undefined;
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
  if (!entryZones.some((z) => inRect(x, y, z, ENTRY_MARGIN_M))) return undefined;
  let best = -1;
  for (let i = 0; i < slots.length; i++) {
    const d = Math.abs((slots[i] as BirthSlot).t - t);
    if (d <= BIRTH_WINDOW_MS && (best < 0 || d < Math.abs((slots[best] as BirthSlot).t - t))) best = i;
  }
  if (best < 0) return undefined;
  const [slot] = slots.splice(best, 1);
  return slot?.sessionId;
}

/** The bound track seen lately that is closest to the exit line (within 2.5 m), if any. */
export function nearestToExit(tracks: Track[], gate: GateConfig, t: number): Track | undefined {
  let best: Track | undefined;
  let bestD = 2.5;
  for (const tr of tracks) {
    if (tr.exited || tr.sessionId === null || t - tr.lastT > 5000) continue;
    const d = segmentDistance(tr.x, tr.y, gate.line);
    if (d < bestD) {
      best = tr;
      bestD = d;
    }
  }
  return best;
}
