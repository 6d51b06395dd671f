import type { Ray } from '../../core/geometry/camera-model.ts';
import type { Track } from './track-manager.ts';

/** Rays of two views this far apart in time (ms) still describe the same moment, after motion. */
const CROSS_VIEW_MS = 70;
/** Spread (m) of the gap between two views' rays to the same joint (pixel noise, motion). */
const GAP_SD = 0.05;
/** Cost cap: a single bad keypoint must not veto a match. */
const MAX_COST = 6;

/** Closest distance between the lines of two rays (m). */
export function rayGap(a: Ray, b: Ray): number {
  const [ax, ay, az] = a.dir;
  const [bx, by, bz] = b.dir;
  const nx = ay * bz - az * by;
  const ny = az * bx - ax * bz;
  const nz = ax * by - ay * bx;
  const n = Math.hypot(nx, ny, nz);
  const wx = b.origin[0] - a.origin[0];
  const wy = b.origin[1] - a.origin[1];
  const wz = b.origin[2] - a.origin[2];
  if (n < 1e-9) {
    // Parallel: distance from b's origin to a's line.
    const s = wx * ax + wy * ay + wz * az;
    return Math.hypot(wx - s * ax, wy - s * ay, wz - s * az);
  }
  return Math.abs(wx * nx + wy * ny + wz * nz) / n;
}

/**
 * Cross-camera consistency of a detection with a track: the detection's neck ray (shoulder
 * midpoint) should pass within a few centimetres of the neck rays other cameras saw of the same
 * track a moment ago, moved along the track's velocity. Two shoppers side by side are often equally
 * close on the floor, but seen from two cameras their rays disagree by their separation.
 */
export function viewCost(neck: Ray | null, tr: Track, t: number, cameraId: string): number {
  if (!neck) return 0;
  let best = Number.POSITIVE_INFINITY;
  for (const [camId, entry] of Object.entries(tr.rays)) {
    const other = entry[3];
    const dt = (t - entry[0]) / 1000;
    if (camId === cameraId || !other || Math.abs(dt) * 1000 > CROSS_VIEW_MS) continue;
    const moved: Ray = {
      origin: [other.origin[0] + tr.vx * dt, other.origin[1] + tr.vy * dt, other.origin[2]],
      dir: other.dir,
    };
    best = Math.min(best, rayGap(neck, moved));
  }
  if (!Number.isFinite(best)) return 0;
  return Math.min(MAX_COST, (best / GAP_SD) ** 2 / 2);
}
