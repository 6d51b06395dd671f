import { CameraModel } from '../../core/geometry/camera-model.ts';
import type { CameraPoses } from '../../core/messages.ts';
import type { Rect } from '../../core/store/schema.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import { assign } from './assignment.ts';
import { nearEntry } from './gate-binding.ts';
import { type AxisState, axis, correct, predict } from './kalman.ts';
import { addLimbs, type ViewRays, type WristSample } from './limbs.ts';
import { foldLooks, type LookSample, type LookSignature, looksCost } from './looks.ts';
import { angularSd, type Observation, observeFrame, R_BOTH } from './observations.ts';
import { viewCost } from './view-agreement.ts';

export type { WristSample } from './limbs.ts';

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
  /** Kalman state per floor axis at time `kfT`; x, y, vx, vy mirror it for readers. */
  kx?: AxisState;
  ky?: AxisState;
  kfT?: number;
  /** Body height estimate (m) and its weight (number of detections folded in, capped). */
  height?: number;
  heightW?: number;
  /** Height learnt while alone (edge/tracking/encounters.ts): who this track's person is. */
  signature?: { h: number; n: number };
  /** Single-detection height estimates of the last few seconds: [t, h]. */
  recentHeights?: Array<[number, number, number?]>;
  /** Clothing colours of the last few seconds' detections, and those learnt while alone (looks.ts). */
  recentLooks?: LookSample[];
  looks?: LookSignature;
  /** Floor positions, decimated, for association when wrists are not visible. */
  path: Array<[number, number, number]>;
  /** Latest arm and neck rays per camera, to triangulate across views. */
  rays: Record<string, ViewRays>;
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

/** Extra cost (negative log-likelihood) of a detection facing opposite to the track: resolves head-on crossings. */
const FACING_COST = 2;
/** White-noise acceleration (m²/s⁴) and the cap on velocity variance: people walk, stop and turn. */
const Q_ACCEL = 4;
const VEL_VAR_MAX = 1.2;
/** Reference variance of the cost's log-determinant term, and the cost of leaving a detection unmatched. */
const S_REF = 0.01;
const UNMATCHED_COST = 9;
/** Height difference scale (m) in the matching cost once a track's height has settled. */
const HEIGHT_SD = 0.06;
const HEIGHT_SETTLED = 8;
/** Weight of cross-camera ray agreement in the matching cost. */
const VIEW_WEIGHT = 2;
const RECENT_HEIGHT_MS = 5000;
const HISTORY_MS = 12_000;
/** A track seen within this long (ms) is being seen: detections next to it are its person's. */
const SEEN_MS = 500;
/** A detection this close (m) to a track being seen is that person, whatever its spread... */
const DUPLICATE_M = 0.6;
/** ... and away from the entry, this many of its spreads. */
const DUPLICATE_SDS = 5;

/**
 * Multi-camera people tracking on the floor plane. Each camera detection is placed on the floor by
 * intersecting its ankle (or hip) ray with the plane at that height — robust for ceiling cameras and
 * free of cross-camera matching. Tracks carry a constant-velocity Kalman filter; each camera frame's
 * detections are matched to tracks by minimum total cost (Mahalanobis distance to the prediction,
 * facing and body height), so two shoppers crossing keep their identities. Wrists are triangulated
 * from rays of the same track seen by two cameras within 70 ms.
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

  /** Where new people appear: the store's entry zones. */
  readonly entryZones: Rect[];

  constructor(private readonly store: StoreModel) {
    for (const c of store.config.cameras) this.cameras.set(c.id, new CameraModel(c));
    this.entryZones = store.config.zones.filter((z) => z.kind === 'entry').map((z) => z.area);
  }

  /**
   * Processes one camera frame. `canBirth(x, y)` says whether an unmatched detection at that floor
   * point may start a track, and for which session; `mayReacquire(x, y)` whether it may be a lost
   * shopper found again.
   */
  onFrame(
    m: CameraPoses,
    canBirth: (x: number, y: number, t: number) => string | null | undefined,
    mayReacquire: (x: number, y: number) => boolean = () => true,
  ): void {
    const cam = this.cameras.get(m.cameraId);
    if (!cam) {
      this.counters.unknownCamera++;
      return;
    }
    this.counters.frames++;
    const obs = observeFrame(cam, m, this.store.config.floor);
    this.counters.detections += obs.length;

    const angleSd = angularSd(cam);
    const live = this.tracks.filter((t) => !t.exited && m.t - t.lastT < (t.sessionId ? 4000 : 2000));
    const pred = live.map((tr) => this.predicted(tr, m.t));
    const cost = obs.map((o) =>
      live.map((tr, j) => {
        const k = pred[j] as { x: AxisState; y: AxisState };
        const s = k.x.pp + o.r;
        const d2 = ((o.x - k.x.p) ** 2 + (o.y - k.y.p) ** 2) / s;
        if (d2 > 25 || Math.hypot(o.x - k.x.p, o.y - k.y.p) > 1.5) return Number.POSITIVE_INFINITY;
        let c = d2 / 2 + Math.log(s / S_REF);
        if (o.facing !== undefined && tr.facing !== undefined)
          c += (FACING_COST * (1 - Math.cos(o.facing - tr.facing))) / 2;
        if (o.height !== undefined && tr.height !== undefined && (tr.heightW ?? 0) >= HEIGHT_SETTLED)
          c += Math.min(6, ((o.height - tr.height) / HEIGHT_SD) ** 2 / 2);
        c += looksCost(o.looks, tr);
        return c + VIEW_WEIGHT * viewCost(o.neck, tr, m.t, cam.id, [o.x, o.y], angleSd);
      }),
    );
    const match = assign(cost, live.length, UNMATCHED_COST);
    const matched = new Set<Track>();
    obs.forEach((o, i) => {
      const j = match[i] ?? -1;
      if (j < 0) return;
      const tr = live[j] as Track;
      matched.add(tr);
      this.update(tr, o, m.t, cam, pred[j]);
    });
    for (let i = 0; i < obs.length; i++) {
      if ((match[i] ?? -1) >= 0) continue;
      const o = obs[i] as Observation;
      // A second detection right next to a track that is being seen is the same person measured
      // badly (one ankle hidden, hip fallback, a far camera's grazing view): a new track there would
      // later steal detections, and a lost track handed it would follow the wrong person (with this
      // check after re-acquisition, 19 of 31 re-acquisitions in busy took someone else, most of them
      // such a duplicate; now 10 of 18). Away from the entry, where nobody new appears, "next to"
      // scales with the detection's own spread; at the entry, shoppers walk in close behind each other.
      const near = this.duplicateRadius(o);
      if (live.some((tr) => m.t - tr.lastT < SEEN_MS && Math.hypot(o.x - tr.x, o.y - tr.y) < near)) {
        this.counters.unmatched++;
        continue;
      }
      const lost = mayReacquire(o.x, o.y) ? this.reacquire(o.x, o.y, m.t, matched) : undefined;
      if (lost) {
        this.counters.reacquired++;
        matched.add(lost);
        this.update(lost, o, m.t, cam, undefined);
        continue;
      }
      // Everyone else gets a track, bound or not: an untracked person would otherwise steal the
      // nearest track whenever its owner is missed for a frame. Identities are bound at the gate.
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
      matched.add(tr);
      this.update(tr, o, m.t, cam, undefined);
    }
  }

  /** How near (m) a track being seen a detection must be to be a bad measurement of its person. */
  private duplicateRadius(o: Observation): number {
    return nearEntry(this.entryZones, o.x, o.y)
      ? DUPLICATE_M
      : Math.max(DUPLICATE_M, DUPLICATE_SDS * Math.sqrt(o.r));
  }

  /** The track's filter state predicted to `t` (never backwards: cameras are not synchronised). */
  private predicted(tr: Track, t: number): { x: AxisState; y: AxisState } {
    const kx = tr.kx ?? axis(tr.x, R_BOTH, VEL_VAR_MAX);
    const ky = tr.ky ?? axis(tr.y, R_BOTH, VEL_VAR_MAX);
    const dt = Math.max(0, (t - (tr.kfT ?? tr.lastT)) / 1000);
    if (dt === 0) return { x: kx, y: ky };
    return { x: capVelocity(predict(kx, dt, Q_ACCEL)), y: capVelocity(predict(ky, dt, Q_ACCEL)) };
  }

  /** A bound track lost for a while (occlusion, missed detections) that could be at (x, y) now. */
  private reacquire(x: number, y: number, t: number, taken: Set<Track>): Track | undefined {
    let best: Track | undefined;
    let bestD = Number.POSITIVE_INFINITY;
    for (const tr of this.tracks) {
      if (tr.exited || tr.sessionId === null || taken.has(tr)) continue;
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
    o: Observation,
    t: number,
    cam: CameraModel,
    pred: { x: AxisState; y: AxisState } | undefined,
  ): void {
    if (o.facing !== undefined) {
      // Circular smoothing of the facing angle.
      tr.facing =
        tr.facing === undefined
          ? o.facing
          : Math.atan2(
              0.7 * Math.sin(tr.facing) + 0.3 * Math.sin(o.facing),
              0.7 * Math.cos(tr.facing) + 0.3 * Math.cos(o.facing),
            );
    }
    // A fresh or reacquired track restarts its filter at the detection, keeping no stale velocity.
    const k = pred && tr.hits > 0 ? pred : { x: axis(o.x, o.r, VEL_VAR_MAX), y: axis(o.y, o.r, VEL_VAR_MAX) };
    tr.kx = pred && tr.hits > 0 ? correct(k.x, o.x, o.r) : k.x;
    tr.ky = pred && tr.hits > 0 ? correct(k.y, o.y, o.r) : k.y;
    tr.kfT = Math.max(t, tr.kfT ?? t);
    tr.x = tr.kx.p;
    tr.y = tr.ky.p;
    tr.vx = tr.kx.v;
    tr.vy = tr.ky.v;
    if (t > tr.lastT || tr.hits === 0) tr.lastT = t;
    tr.hits++;
    const last = tr.path[tr.path.length - 1];
    if (!last || t - last[0] >= 200) tr.path.push([t, tr.x, tr.y]);
    const tri = addLimbs(tr, t, cam, o.det);
    this.foldHeight(tr, t, tri ?? o.height, tri !== undefined);
    foldLooks(tr, t, o.looks);
    this.prune(tr, t);
  }

  private foldHeight(tr: Track, t: number, h: number | undefined, tri: boolean): void {
    if (h === undefined) return;
    const w = tr.heightW ?? 0;
    tr.height = tr.height === undefined ? h : (tr.height * w + h) / (w + 1);
    tr.heightW = Math.min(w + 1, 50);
    const rh = (tr.recentHeights ??= []);
    rh.push([t, h, tri ? 1 : 0]);
    while (rh.length > 0 && t - (rh[0] as [number, number, number])[0] > RECENT_HEIGHT_MS) rh.shift();
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

function capVelocity(a: AxisState): AxisState {
  if (a.vv <= VEL_VAR_MAX) return a;
  const s = Math.sqrt(VEL_VAR_MAX / a.vv);
  return { ...a, vv: VEL_VAR_MAX, pv: a.pv * s };
}
