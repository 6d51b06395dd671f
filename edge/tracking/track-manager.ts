import { CameraModel, type Ray, triangulate, type V3 } from '../../core/geometry/camera-model.ts';
import type { CameraPoses } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';

/** A wrist position estimate in the store frame. */
export interface WristSample {
  t: number;
  p: V3;
  /** True when triangulated from two views; false for a single-view guess near the body axis. */
  tri: boolean;
}

export interface Track {
  id: string;
  sessionId: string | null;
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Direction the body faces (radians), from the shoulder line; undefined until seen. */
  facing: number | undefined;
  lastT: number;
  bornAt: number;
  hits: number;
  exited: boolean;
  wrists: WristSample[];
  /** Floor positions, decimated, for association when wrists are not visible. */
  path: Array<[number, number, number]>;
  /** Latest wrist rays per camera: [t, left, right]; used to triangulate across views. */
  rays: Record<string, [number, Ray | null, Ray | null]>;
  /**
   * Sessions whose tracks came close enough to this one that their identities may have swapped
   * (session id → last time). Association treats an event by this track as possibly theirs.
   */
  contested?: Record<string, number>;
}

export interface TrackCounters {
  frames: number;
  detections: number;
  births: number;
  reacquired: number;
  unmatched: number;
  unknownCamera: number;
}

const ANKLE_Z = 0.08;
const SHOULDER_Z = 1.42;
/** Extra cost (m) of matching a detection facing opposite to the track: resolves head-on crossings. */
const FACING_COST = 0.35;
const HIP_Z = 0.9;
const KP_MIN = 0.3;
const HISTORY_MS = 12_000;
const CROSS_VIEW_MS = 70;
const MAX_REACH = 1.3;

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
function nearAxis(r: Ray, x: number, y: number): V3 {
  const h = r.dir[0] * r.dir[0] + r.dir[1] * r.dir[1];
  const s = h < 1e-9 ? 0 : Math.max(0, ((x - r.origin[0]) * r.dir[0] + (y - r.origin[1]) * r.dir[1]) / h);
  return [r.origin[0] + s * r.dir[0], r.origin[1] + s * r.dir[1], r.origin[2] + s * r.dir[2]];
}

/**
 * Multi-camera people tracking on the floor plane. Each camera detection is placed on the floor by
 * intersecting its ankle (or hip) ray with the plane at that height — robust for ceiling cameras and
 * free of cross-camera matching; detections update the nearest track (greedy, gated). Wrists are
 * triangulated from rays of the same track seen by two cameras within 70 ms.
 */
export class TrackManager {
  tracks: Track[] = [];
  nextId = 1;
  readonly cameras = new Map<string, CameraModel>();
  readonly counters: TrackCounters = {
    frames: 0,
    detections: 0,
    births: 0,
    reacquired: 0,
    unmatched: 0,
    unknownCamera: 0,
  };

  constructor(private readonly store: StoreModel) {
    for (const c of store.config.cameras) this.cameras.set(c.id, new CameraModel(c));
  }

  /**
   * Processes one camera frame. `canBirth(x, y)` says whether an unmatched detection at that floor
   * point may start a track, and for which session.
   */
  onFrame(m: CameraPoses, canBirth: (x: number, y: number, t: number) => string | null | undefined): void {
    const cam = this.cameras.get(m.cameraId);
    if (!cam) {
      this.counters.unknownCamera++;
      return;
    }
    this.counters.frames++;
    const { width, depth } = this.store.config.floor;
    const obs: Array<{
      x: number;
      y: number;
      det: CameraPoses['persons'][number];
      facing: number | undefined;
    }> = [];
    for (const det of m.persons) {
      if (det.score < 0.2) continue;
      let floor: [number, number] | undefined;
      const ankle = midpoint(det.keypoints, 15, 16);
      if (ankle) floor = onPlane(cam.unproject(ankle[0], ankle[1]), ANKLE_Z);
      if (!floor) {
        const hip = midpoint(det.keypoints, 11, 12);
        if (hip) floor = onPlane(cam.unproject(hip[0], hip[1]), HIP_Z);
      }
      if (!floor || floor[0] < -0.5 || floor[1] < -0.5 || floor[0] > width + 0.5 || floor[1] > depth + 0.5)
        continue;
      obs.push({ x: floor[0], y: floor[1], det, facing: facingOf(cam, det) });
    }
    this.counters.detections += obs.length;

    // Greedy assignment by distance to each live track's predicted position.
    const live = this.tracks.filter((t) => !t.exited && m.t - t.lastT < 4000);
    const pairs: Array<[number, number, number]> = [];
    for (let i = 0; i < obs.length; i++) {
      const o = obs[i] as (typeof obs)[number];
      for (let j = 0; j < live.length; j++) {
        const tr = live[j] as Track;
        const dt = Math.max(0, Math.min(1, (m.t - tr.lastT) / 1000));
        const px = tr.x + tr.vx * dt;
        const py = tr.y + tr.vy * dt;
        const d = Math.hypot(o.x - px, o.y - py);
        const gate = 0.6 + 1.5 * Math.max(0, (m.t - tr.lastT) / 1000);
        const turn =
          o.facing !== undefined && tr.facing !== undefined ? (1 - Math.cos(o.facing - tr.facing)) / 2 : 0;
        if (d < gate) pairs.push([d + FACING_COST * turn, i, j]);
      }
    }
    pairs.sort((a, b) => a[0] - b[0]);
    const usedObs = new Set<number>();
    const usedTrack = new Set<number>();
    for (const [, i, j] of pairs) {
      if (usedObs.has(i) || usedTrack.has(j)) continue;
      usedObs.add(i);
      usedTrack.add(j);
      const o = obs[i] as (typeof obs)[number];
      this.update(live[j] as Track, o.x, o.y, m.t, cam, o.det, o.facing);
    }
    for (let i = 0; i < obs.length; i++) {
      if (usedObs.has(i)) continue;
      const o = obs[i] as (typeof obs)[number];
      const lost = this.reacquire(o.x, o.y, m.t);
      if (lost) {
        this.counters.reacquired++;
        this.update(lost, o.x, o.y, m.t, cam, o.det, o.facing);
        continue;
      }
      // Everyone gets a track, bound or not: an untracked person would otherwise steal the nearest
      // track whenever its owner is missed for a frame. Identities are bound at the gate.
      const session = canBirth(o.x, o.y, m.t) ?? null;
      if (session === null) this.counters.unmatched++;
      const tr: Track = {
        id: `t${this.nextId++}`,
        sessionId: session,
        x: o.x,
        y: o.y,
        vx: 0,
        vy: 0,
        facing: undefined,
        lastT: m.t,
        bornAt: m.t,
        hits: 0,
        exited: false,
        wrists: [],
        path: [],
        rays: {},
      };
      this.tracks.push(tr);
      this.counters.births++;
      this.update(tr, o.x, o.y, m.t, cam, o.det, o.facing);
    }
  }

  /** A bound track lost for a while (occlusion, missed detections) that could be at (x, y) now. */
  private reacquire(x: number, y: number, t: number): Track | undefined {
    let best: Track | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (const tr of this.tracks) {
      if (tr.exited || tr.sessionId === null) continue;
      const gap = (t - tr.lastT) / 1000;
      if (gap < 0.3 || gap > 60) continue;
      const d = Math.hypot(x - tr.x, y - tr.y);
      if (d < 0.8 + 1.2 * gap && d < bestD) {
        best = tr;
        bestD = d;
      }
    }
    return best;
  }

  private update(
    tr: Track,
    x: number,
    y: number,
    t: number,
    cam: CameraModel,
    det: CameraPoses['persons'][number],
    facing: number | undefined,
  ): void {
    if (facing !== undefined) {
      // Circular smoothing of the facing angle.
      tr.facing =
        tr.facing === undefined
          ? facing
          : Math.atan2(
              0.7 * Math.sin(tr.facing) + 0.3 * Math.sin(facing),
              0.7 * Math.cos(tr.facing) + 0.3 * Math.cos(facing),
            );
    }
    if (tr.hits === 0) {
      tr.x = x;
      tr.y = y;
    } else {
      tr.x += 0.4 * (x - tr.x);
      tr.y += 0.4 * (y - tr.y);
    }
    // Velocity over ~0.5 s of the decimated path: updates from unsynchronised cameras come 10-50 ms
    // apart, and differentiating those would mostly measure detection noise.
    const ref = tr.path.find(([pt]) => t - pt <= 700);
    if (ref && t - ref[0] >= 300) {
      const span = (t - ref[0]) / 1000;
      const vx = (tr.x - ref[1]) / span;
      const vy = (tr.y - ref[2]) / span;
      const speed = Math.hypot(vx, vy);
      const cap = speed > 1.8 ? 1.8 / speed : 1;
      tr.vx = vx * cap;
      tr.vy = vy * cap;
    }
    if (t > tr.lastT || tr.hits === 0) tr.lastT = t;
    tr.hits++;
    const last = tr.path[tr.path.length - 1];
    if (!last || t - last[0] >= 200) tr.path.push([t, tr.x, tr.y]);
    this.addWrists(tr, t, cam, det);
    this.prune(tr, t);
  }

  private addWrists(tr: Track, t: number, cam: CameraModel, det: CameraPoses['persons'][number]): void {
    const rays: [Ray | null, Ray | null] = [null, null];
    for (const [side, k] of [
      [0, 9],
      [1, 10],
    ] as const) {
      const kp = det.keypoints[k];
      if (!kp || kp[2] < KP_MIN) continue;
      const ray = cam.unproject(kp[0], kp[1]);
      rays[side] = ray;
      const others: Ray[] = [ray];
      for (const [camId, entry] of Object.entries(tr.rays)) {
        if (camId === cam.id || Math.abs(entry[0] - t) > CROSS_VIEW_MS) continue;
        const r = entry[side + 1] as Ray | null;
        if (r) others.push(r);
      }
      let p: V3 | undefined = others.length >= 2 ? triangulate(others) : undefined;
      if (p && (Math.hypot(p[0] - tr.x, p[1] - tr.y) > MAX_REACH || p[2] < 0 || p[2] > 2.4)) p = undefined;
      tr.wrists.push(p ? { t, p, tri: true } : { t, p: nearAxis(ray, tr.x, tr.y), tri: false });
    }
    tr.rays[cam.id] = [t, rays[0], rays[1]];
  }

  private prune(tr: Track, t: number): void {
    let i = 0;
    while (i < tr.wrists.length && t - (tr.wrists[i] as WristSample).t > HISTORY_MS) i++;
    if (i > 0) tr.wrists.splice(0, i);
    let j = 0;
    while (j < tr.path.length && t - (tr.path[j] as [number, number, number])[0] > HISTORY_MS) j++;
    if (j > 0) tr.path.splice(0, j);
  }

  /** Drops tracks that left or died long ago. */
  expire(t: number): void {
    this.tracks = this.tracks.filter(
      (tr) => t - tr.lastT < (tr.exited ? HISTORY_MS : tr.sessionId ? 600_000 : 5_000),
    );
  }
}
