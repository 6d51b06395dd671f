import { type CameraModel, type Ray, triangulate, type V3 } from '../../core/geometry/camera-model.ts';
import type { CameraPoses } from '../../core/messages.ts';
import { CROSS_VIEW_MS, KP_MIN, nearAxis, neckRay } from './observations.ts';

type Det = CameraPoses['persons'][number];

/** What one camera last saw of a track's arms and neck, kept to triangulate with the other views. */
export interface ViewRays {
  t: number;
  /** Left, right. */
  wrist: [Ray | null, Ray | null];
  /** Through the shoulder midpoint. */
  neck: Ray | null;
  /**
   * The detection itself, for rays of other joints (elbows, shoulders): unprojected only when a view
   * of a hidden wrist needs them, which is rare, and kept once computed.
   */
  cam?: CameraModel;
  det?: Det;
  joints?: Map<number, Ray | null>;
}

/** A wrist position estimate in the store frame. */
export interface WristSample {
  t: number;
  p: V3;
  /** True when triangulated from two views; false for a single-view guess near the body axis. */
  tri: boolean;
  /**
   * Single view: the ray through the wrist and where the body stood, so association can ask whether
   * the hand could have been in a plate's volume within arm's reach (a hand in a shelf is often
   * seen by one camera only).
   */
  ray?: Ray;
  body?: [number, number];
  /** The wrist was hidden: placed where the shoulder-to-elbow line continues. */
  arm?: boolean;
}

/** Shoulder-midpoint height as a share of body height (COCO shoulders on an average adult). */
export const NECK_RATIO = 0.82;
/** A wrist further than this (m) from the body axis belongs to someone else. */
const MAX_REACH = 1.3;
/**
 * Elbow to the grasping hand over shoulder to elbow: forearm plus half a hand is about as long as
 * the upper arm (anthropometric tables: 0.146 h + 0.05 h against 0.186 h), and an arm reaching
 * into a shelf is nearly straight.
 */
const FOREARM_RATIO = 1.0;

const SHOULDER = [5, 6] as const;
const ELBOW = [7, 8] as const;
const WRIST = [9, 10] as const;

function rayOf(cam: CameraModel, det: Det, k: number): Ray | null {
  const kp = det.keypoints[k];
  return kp && kp[2] >= KP_MIN ? cam.unproject(kp[0], kp[1]) : null;
}

function jointRay(v: ViewRays, k: number): Ray | null {
  if (!v.cam || !v.det) return null;
  v.joints ??= new Map();
  let r = v.joints.get(k);
  if (r === undefined) {
    r = rayOf(v.cam, v.det, k);
    v.joints.set(k, r);
  }
  return r;
}

/** The hand continued from the shoulder through the elbow. */
function alongArm(shoulder: readonly number[], elbow: readonly number[]): V3 {
  const at = (k: number) => (elbow[k] ?? 0) + ((elbow[k] ?? 0) - (shoulder[k] ?? 0)) * FOREARM_RATIO;
  return [at(0), at(1), at(2)];
}

/** Triangulates `ray` with the same joint seen by the track's other cameras within the window. */
function acrossViews(
  ray: Ray,
  views: Record<string, ViewRays>,
  camId: string,
  t: number,
  pick: (v: ViewRays) => Ray | null,
): V3 | undefined {
  const rays: Ray[] = [ray];
  for (const id in views) {
    const v = views[id] as ViewRays;
    if (id === camId || Math.abs(v.t - t) > CROSS_VIEW_MS) continue;
    const r = pick(v);
    if (r) rays.push(r);
  }
  return rays.length >= 2 ? triangulate(rays) : undefined;
}

// Pickers of one joint's ray from a view, defined once (not per detection: this is the hot path).
const leftWrist = (v: ViewRays) => v.wrist[0];
const rightWrist = (v: ViewRays) => v.wrist[1];
const leftElbow = (v: ViewRays) => jointRay(v, ELBOW[0]);
const rightElbow = (v: ViewRays) => jointRay(v, ELBOW[1]);
const leftShoulder = (v: ViewRays) => jointRay(v, SHOULDER[0]);
const rightShoulder = (v: ViewRays) => jointRay(v, SHOULDER[1]);
const neckOf = (v: ViewRays) => v.neck;

/** A triangulated wrist within reach of the body and between floor and 2.4 m, else undefined. */
function reachable(tr: LimbTrack, p: V3 | undefined): V3 | undefined {
  return p && Math.hypot(p[0] - tr.x, p[1] - tr.y) <= MAX_REACH && p[2] >= 0 && p[2] <= 2.4 ? p : undefined;
}

/** One view's wrist: its ray, the body it belongs to, and a guess near the body axis. */
function singleView(tr: LimbTrack, t: number, ray: Ray, arm: boolean): WristSample {
  const s: WristSample = { t, p: nearAxis(ray, tr.x, tr.y), tri: false, ray, body: [tr.x, tr.y] };
  if (arm) s.arm = true;
  return s;
}

export interface LimbTrack {
  x: number;
  y: number;
  rays: Record<string, ViewRays>;
  wrists: WristSample[];
}

/**
 * Keeps this view's wrist and neck rays, adds wrist samples (triangulated with the other views, or
 * single-view) and returns the body height from the triangulated neck, if any.
 */
export function addLimbs(tr: LimbTrack, t: number, cam: CameraModel, det: Det): number | undefined {
  const seen: ViewRays = { t, wrist: [null, null], neck: null, cam, det };
  for (const side of [0, 1] as const) {
    const wrist = rayOf(cam, det, WRIST[side]);
    seen.wrist[side] = wrist;
    if (wrist) {
      const p = reachable(tr, acrossViews(wrist, tr.rays, cam.id, t, side === 0 ? leftWrist : rightWrist));
      tr.wrists.push(p ? { t, p, tri: true } : singleView(tr, t, wrist, false));
      continue;
    }
    // A hand deep in a shelf is hidden from every camera, but the arm reaching for it is not.
    const elbow = jointRay(seen, ELBOW[side]);
    const shoulder = jointRay(seen, SHOULDER[side]);
    const e = elbow && shoulder ? det.keypoints[ELBOW[side]] : undefined;
    const s = elbow && shoulder ? det.keypoints[SHOULDER[side]] : undefined;
    if (!elbow || !shoulder || !e || !s) continue;
    const e3 = acrossViews(elbow, tr.rays, cam.id, t, side === 0 ? leftElbow : rightElbow);
    const s3 = acrossViews(shoulder, tr.rays, cam.id, t, side === 0 ? leftShoulder : rightShoulder);
    const p = e3 && s3 ? reachable(tr, alongArm(s3, e3)) : undefined;
    // One view: continue the arm in the image (perspective bends it a little; the ray's reach test
    // in association is tolerant of that).
    const px = alongArm([s[0], s[1]], [e[0], e[1]]);
    tr.wrists.push(p ? { t, p, tri: true, arm: true } : singleView(tr, t, cam.unproject(px[0], px[1]), true));
  }
  seen.neck = neckRay(cam, det);
  let height: number | undefined;
  if (seen.neck) {
    const p = acrossViews(seen.neck, tr.rays, cam.id, t, neckOf);
    const h = p ? p[2] / NECK_RATIO : undefined;
    if (p && h !== undefined && h > 1.2 && h < 2.3 && Math.hypot(p[0] - tr.x, p[1] - tr.y) < 0.5) height = h;
  }
  tr.rays[cam.id] = seen;
  return height;
}
