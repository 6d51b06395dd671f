import type { Ray } from '../../core/geometry/camera-model.ts';
import { CROSS_VIEW_MS } from './observations.ts';
import type { Track } from './track-manager.ts';

/**
 * Spread (m) of the gap between two views' rays to the same joint that is not keypoint error (the
 * joint's own motion and extent); the keypoints' angular error adds its share at each view's range.
 */
const GAP_SD = 0.05;
/** Cost cap: a single bad keypoint must not veto a match. */
const MAX_COST = 6;
/** Shoulder heights of shoppers (m), and how far from the floor point the crossing may lie. */
const NECK_Z: readonly [number, number] = [1.1, 1.7];
const PLACE_SLACK_M = 1;

/** Closest distance between the lines of two rays (m), and the midpoint of the closest points. */
export function rayGap(a: Ray, b: Ray): { gap: number; mid: [number, number, number] } {
  const d1 = a.dir;
  const d2 = b.dir;
  const w = [a.origin[0] - b.origin[0], a.origin[1] - b.origin[1], a.origin[2] - b.origin[2]];
  const dot = (u: readonly number[], v: readonly number[]) =>
    (u[0] ?? 0) * (v[0] ?? 0) + (u[1] ?? 0) * (v[1] ?? 0) + (u[2] ?? 0) * (v[2] ?? 0);
  const bb = dot(d1, d2);
  const d = dot(d1, w);
  const e = dot(d2, w);
  const den = 1 - bb * bb;
  // Parallel lines: any point of a, and its foot on b.
  const s = den < 1e-9 ? 0 : (bb * e - d) / den;
  const u = den < 1e-9 ? e : (e - bb * d) / den;
  const p = [a.origin[0] + s * d1[0], a.origin[1] + s * d1[1], a.origin[2] + s * d1[2]];
  const q = [b.origin[0] + u * d2[0], b.origin[1] + u * d2[1], b.origin[2] + u * d2[2]];
  const gap = Math.hypot((p[0] ?? 0) - (q[0] ?? 0), (p[1] ?? 0) - (q[1] ?? 0), (p[2] ?? 0) - (q[2] ?? 0));
  return {
    gap,
    mid: [((p[0] ?? 0) + (q[0] ?? 0)) / 2, ((p[1] ?? 0) + (q[1] ?? 0)) / 2, ((p[2] ?? 0) + (q[2] ?? 0)) / 2],
  };
}

/**
 * Cross-camera consistency of a detection with a track: the detection's neck ray (shoulder
 * midpoint) should pass within a few centimetres of the neck rays other cameras saw of the same
 * track a moment ago, moved along the track's velocity. Two shoppers side by side are often equally
 * close on the floor, but seen from two cameras their rays disagree by their separation.
 */
export function viewCost(
  neck: Ray | null,
  tr: Track,
  t: number,
  cameraId: string,
  floor: readonly [number, number],
  angleSd: number,
): number {
  if (!neck) return 0;
  let best = Number.POSITIVE_INFINITY;
  for (const [camId, entry] of Object.entries(tr.rays)) {
    const other = entry.neck;
    const dt = (t - entry.t) / 1000;
    if (camId === cameraId || !other || Math.abs(dt) * 1000 > CROSS_VIEW_MS) continue;
    const moved: Ray = {
      origin: [other.origin[0] + tr.vx * dt, other.origin[1] + tr.vy * dt, other.origin[2]],
      dir: other.dir,
    };
    const { gap, mid } = rayGap(neck, moved);
    // Two views can cross anywhere along their baseline: the crossing must be where this person
    // stands, at shoulder height, to count as agreement.
    const off = Math.hypot(mid[0] - floor[0], mid[1] - floor[1]);
    const high = mid[2] < NECK_Z[0] ? NECK_Z[0] - mid[2] : mid[2] > NECK_Z[1] ? mid[2] - NECK_Z[1] : 0;
    // Far from both cameras their rays miss each other by more: angular error times range.
    const r1 = Math.hypot(mid[0] - neck.origin[0], mid[1] - neck.origin[1], mid[2] - neck.origin[2]);
    const r2 = Math.hypot(mid[0] - moved.origin[0], mid[1] - moved.origin[1], mid[2] - moved.origin[2]);
    const sd = Math.sqrt(GAP_SD * GAP_SD + angleSd * angleSd * (r1 * r1 + r2 * r2));
    best = Math.min(best, Math.max(gap, off - PLACE_SLACK_M, high) / sd);
  }
  if (!Number.isFinite(best)) return 0;
  return Math.min(MAX_COST, best ** 2 / 2);
}
