import type { CameraModel, Ray, V3 } from '../../core/geometry/camera-model.ts';
import type { CameraPoses } from '../../core/messages.ts';
import { median } from './heights.ts';
import { detectionLooks, type Looks } from './looks.ts';

/**
 * What one camera frame says about each person in it, before any tracking: where they stand on the
 * floor (and how sure that is), which way they face, how tall they look and the ray through their
 * shoulder midpoint. Pure geometry on one view; the track manager matches these to tracks.
 */

export const KP_MIN = 0.3;
/** Views of one track this far apart in time (ms) describe the same moment (cameras are not synchronised). */
export const CROSS_VIEW_MS = 70;
/** Steepest ray (vertical over horizontal) a height is measured from. */
const MAX_STEEPNESS = 1.5;
const ANKLE_Z = 0.08;
const SHOULDER_Z = 1.42;
const HIP_Z = 0.9;
/** Keypoint heights as fractions of body height (anthropometric averages): nose, eyes, shoulders. */
const HEIGHT_RATIOS: ReadonlyArray<readonly [number, number]> = [
  [0, 0.93],
  [1, 0.95],
  [2, 0.95],
  [5, 0.82],
  [6, 0.82],
];
/** Floor-point variance (m²) by what it was measured from: both ankles, one ankle, hips. */
export const R_BOTH = 0.08 ** 2;
const R_ONE = 0.18 ** 2;
const R_HIP = 0.22 ** 2;
/**
 * Keypoint localisation error of a pose model (px, at the focal lengths of 720p ceiling cameras). A
 * ray's angular error grows into floor error with range: a camera seeing someone far away at a
 * grazing angle places them to decimetres, one looking down on them to centimetres.
 */
const KP_SD_PX = 4;

/** Angular error (rad) of a keypoint's ray. */
export function angularSd(cam: CameraModel): number {
  return KP_SD_PX / cam.focalPx;
}

/**
 * Floor-point variance (m²) from the viewing geometry: an angular error σ moves the point by
 * σ·(H² + D²)/H along the line of sight and σ·√(H² + D²) across it, for a camera H above the plane
 * and D away along the floor. The filter is isotropic, so the two are averaged. Close to a camera
 * the body's own extent (R_BOTH etc.) dominates; the larger of the two is the point's variance.
 */
export function geometryVariance(cam: CameraModel, x: number, y: number, z: number): number {
  const h = Math.max(0.3, cam.centre[2] - z);
  const d2 = (x - cam.centre[0]) ** 2 + (y - cam.centre[1]) ** 2;
  const sigma = angularSd(cam);
  const along = (sigma * (h * h + d2)) / h;
  const across = sigma * Math.sqrt(h * h + d2);
  return (along * along + across * across) / 2;
}

function midpoint(
  kps: CameraPoses['persons'][number]['keypoints'],
  a: number,
  b: number,
): [number, number] | undefined {
  const ka = kps[a];
  const kb = kps[b];
  const okA = ka && ka[2] >= KP_MIN;
  const okB = kb && kb[2] >= KP_MIN;
  if (okA && okB) return [(ka[0] + kb[0]) / 2, (ka[1] + kb[1]) / 2];
  if (okA) return [ka[0], ka[1]];
  if (okB) return [kb[0], kb[1]];
  return undefined;
}

function onPlane(r: Ray, z: number): [number, number] | undefined {
  if (Math.abs(r.dir[2]) < 1e-6) return undefined;
  const s = (z - r.origin[2]) / r.dir[2];
  if (s <= 0) return undefined;
  return [r.origin[0] + s * r.dir[0], r.origin[1] + s * r.dir[1]];
}

/**
 * Direction a detected body faces, from its shoulder line placed at shoulder height: forward is the
 * left→right-shoulder vector turned by −90°. Pose models label left and right, so this needs no identity.
 */
function facingOf(cam: CameraModel, det: CameraPoses['persons'][number]): number | undefined {
  const l = det.keypoints[5];
  const r = det.keypoints[6];
  if (!l || !r || l[2] < KP_MIN || r[2] < KP_MIN) return undefined;
  const pl = onPlane(cam.unproject(l[0], l[1]), SHOULDER_Z);
  const pr = onPlane(cam.unproject(r[0], r[1]), SHOULDER_Z);
  if (!pl || !pr) return undefined;
  const lx = pl[0] - pr[0];
  const ly = pl[1] - pr[1];
  if (Math.hypot(lx, ly) < 0.15) return undefined;
  return Math.atan2(-lx, ly);
}

/** Point on ray `r` horizontally closest to the vertical line through (x, y): a single-view wrist guess. */
export function nearAxis(r: Ray, x: number, y: number): V3 {
  const h = r.dir[0] * r.dir[0] + r.dir[1] * r.dir[1];
  const s = h < 1e-9 ? 0 : Math.max(0, ((x - r.origin[0]) * r.dir[0] + (y - r.origin[1]) * r.dir[1]) / h);
  return [r.origin[0] + s * r.dir[0], r.origin[1] + s * r.dir[1], r.origin[2] + s * r.dir[2]];
}

export interface Observation {
  x: number;
  y: number;
  /** Variance (m²) of the floor point. */
  r: number;
  det: CameraPoses['persons'][number];
  facing: number | undefined;
  height: number | undefined;
  /** Ray through the shoulder midpoint, when both shoulders are seen. */
  neck: Ray | null;
  /** Clothing colours (log), when the pose worker measured them. */
  looks: Looks | undefined;
}

export function neckRay(cam: CameraModel, det: CameraPoses['persons'][number]): Ray | null {
  const both = (det.keypoints[5]?.[2] ?? 0) >= KP_MIN && (det.keypoints[6]?.[2] ?? 0) >= KP_MIN;
  const px = both ? midpoint(det.keypoints, 5, 6) : undefined;
  return px ? cam.unproject(px[0], px[1]) : null;
}

/**
 * Body height from one view: each head or shoulder keypoint's ray, taken where it passes the body's
 * vertical axis above the floor point, scaled by that joint's share of body height; the median of
 * what is visible. An appearance-free cue (no face, no image) that tells most pairs of shoppers apart.
 */
function heightOf(
  cam: CameraModel,
  det: CameraPoses['persons'][number],
  x: number,
  y: number,
): number | undefined {
  const hs: number[] = [];
  for (const [k, ratio] of HEIGHT_RATIOS) {
    const kp = det.keypoints[k];
    if (!kp || kp[2] < KP_MIN) continue;
    const ray = cam.unproject(kp[0], kp[1]);
    // Near the camera's nadir the ray is steep and a few centimetres of floor error become decimetres
    // of height: only rays that reach the body from the side measure it.
    if (Math.abs(ray.dir[2]) > MAX_STEEPNESS * Math.hypot(ray.dir[0], ray.dir[1])) continue;
    const z = nearAxis(ray, x, y)[2];
    const h = z / ratio;
    if (h > 1.2 && h < 2.3) hs.push(h);
  }
  if (hs.length < 2) return undefined;
  return median(hs);
}

/** Floor point, its variance, facing, height and neck ray of every usable detection of a frame. */
export function observeFrame(
  cam: CameraModel,
  m: CameraPoses,
  floorSize: { width: number; depth: number },
): Observation[] {
  const { width, depth } = floorSize;
  const obs: Observation[] = [];
  for (const det of m.persons) {
    if (det.score < 0.2) continue;
    let floor: [number, number] | undefined;
    let r = R_BOTH;
    let z = ANKLE_Z;
    const kps = det.keypoints;
    const both = (kps[15]?.[2] ?? 0) >= KP_MIN && (kps[16]?.[2] ?? 0) >= KP_MIN;
    const ankle = midpoint(kps, 15, 16);
    if (ankle) {
      floor = onPlane(cam.unproject(ankle[0], ankle[1]), ANKLE_Z);
      if (!both) r = R_ONE;
    }
    if (!floor) {
      const hip = midpoint(kps, 11, 12);
      if (hip) floor = onPlane(cam.unproject(hip[0], hip[1]), HIP_Z);
      r = R_HIP;
      z = HIP_Z;
    }
    if (!floor || floor[0] < -0.5 || floor[1] < -0.5 || floor[0] > width + 0.5 || floor[1] > depth + 0.5)
      continue;
    obs.push({
      x: floor[0],
      y: floor[1],
      r: Math.max(r, geometryVariance(cam, floor[0], floor[1], z)),
      det,
      facing: facingOf(cam, det),
      height: heightOf(cam, det, floor[0], floor[1]),
      neck: neckRay(cam, det),
      looks: detectionLooks(det.appearance),
    });
  }
  return obs;
}
