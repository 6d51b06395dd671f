import { CameraModel, type V3 } from '../core/geometry/camera-model.ts';
import type { CameraPoses, PersonDetection, Rgb } from '../core/messages.ts';
import type { StoreModel } from '../core/store/store-model.ts';
import { type Clothing, ClothingView, torsoSeen } from './clothing.ts';
import type { Rng } from './rng.ts';

/** What a camera can see of a shopper. */
export interface BodyPose {
  x: number;
  y: number;
  /** Facing direction (radians, 0 = +x). */
  heading: number;
  height: number;
  /** Walking phase for leg swing. */
  stride: number;
  leftWrist?: V3;
  rightWrist?: V3;
  clothing?: Clothing;
}

/** COCO-17 joints of a body in the store frame. */
export function joints(b: BodyPose): V3[] {
  const c = Math.cos(b.heading);
  const s = Math.sin(b.heading);
  // Forward f and left l offsets rotated by heading.
  const at = (f: number, l: number, z: number): V3 => [
    b.x + f * c - l * s,
    b.y + f * s + l * c,
    z * b.height,
  ];
  const swing = 0.15 * Math.sin(b.stride);
  const shoulderL = at(0, 0.19, 0.82);
  const shoulderR = at(0, -0.19, 0.82);
  const wristL = b.leftWrist ?? at(0.05 - swing * 0.5, 0.24, 0.48);
  const wristR = b.rightWrist ?? at(0.05 + swing * 0.5, -0.24, 0.48);
  const mid = (a: V3, w: V3): V3 => [(a[0] + w[0]) / 2, (a[1] + w[1]) / 2, (a[2] + w[2]) / 2 - 0.04];
  return [
    at(0.1, 0, 0.93),
    at(0.08, 0.035, 0.95),
    at(0.08, -0.035, 0.95),
    at(0.02, 0.075, 0.94),
    at(0.02, -0.075, 0.94),
    shoulderL,
    shoulderR,
    mid(shoulderL, wristL),
    mid(shoulderR, wristR),
    wristL,
    wristR,
    at(0, 0.1, 0.53),
    at(0, -0.1, 0.53),
    at(swing, 0.1, 0.28),
    at(-swing, -0.1, 0.28),
    [at(swing * 1.6, 0.1, 0)[0], at(swing * 1.6, 0.1, 0)[1], 0.07],
    [at(-swing * 1.6, -0.1, 0)[0], at(-swing * 1.6, -0.1, 0)[1], 0.07],
  ];
}

type Box = [number, number, number, number];

interface Raw {
  depth: number;
  kps: Array<[number, number, number]>;
  box: Box;
  body: BodyPose;
}

/** Pixel box of the visible keypoints of two pairs, when at least one of each pair is visible. */
function regionBox(kps: Raw['kps'], top: [number, number], bottom: [number, number]): Box | undefined {
  const seen = (i: number) => (kps[i] as [number, number, number])[2] > 0.3;
  if (!top.some(seen) || !bottom.some(seen)) return undefined;
  const pts = [...top, ...bottom].filter(seen).map((i) => kps[i] as [number, number, number]);
  const xs = pts.map((k) => k[0]);
  const ys = pts.map((k) => k[1]);
  return [Math.min(...xs) - 4, Math.min(...ys) - 4, Math.max(...xs) + 4, Math.max(...ys) + 4];
}

const overlap = (a: Box, b: Box) =>
  Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0])) *
  Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));

/** A region more covered than this by nearer people is too little seen for the worker to measure. */
const MAX_COVERED = 0.6;

interface Solid {
  min: V3;
  max: V3;
}

/** Slab test: does the segment a→b pass through the box? */
function segmentHitsBox(a: V3, b: V3, box: Solid): boolean {
  let t0 = 0;
  let t1 = 1;
  for (let k = 0; k < 3; k++) {
    const d = (b[k] as number) - (a[k] as number);
    const lo = (box.min[k] as number) - (a[k] as number);
    const hi = (box.max[k] as number) - (a[k] as number);
    if (Math.abs(d) < 1e-9) {
      if (lo > 0 || hi < 0) return false;
      continue;
    }
    let e0 = lo / d;
    let e1 = hi / d;
    if (e0 > e1) [e0, e1] = [e1, e0];
    t0 = Math.max(t0, e0);
    t1 = Math.min(t1, e1);
    if (t0 > t1) return false;
  }
  return t1 > 1e-3 && t0 < 0.999;
}

/**
 * Per-camera pose detections as a pose model would report them: projected joints with pixel noise,
 * per-keypoint scores, missed detections, keypoints hidden behind shelves or closer shoppers, people
 * out of view dropped. No identities: persons are shuffled in every frame.
 */
export class CameraSensors {
  readonly cameras: CameraModel[];
  private readonly solids: Solid[];
  private frames = new Map<string, number>();
  private looks: ClothingView | undefined;

  constructor(
    store: StoreModel,
    private readonly rng: Rng,
  ) {
    this.cameras = store.config.cameras.map((c) => new CameraModel(c));
    this.solids = [
      ...store.config.gondolas.map((g) => ({
        min: [g.footprint.min[0], g.footprint.min[1], 0] as V3,
        max: [g.footprint.max[0], g.footprint.max[1], 2.1] as V3,
      })),
      ...store.config.obstacles.map((o) => ({
        min: [o.area.min[0], o.area.min[1], 0] as V3,
        max: [o.area.max[0], o.area.max[1], o.height] as V3,
      })),
    ];
  }

  /** From now on detections carry clothing colours, rendered with draws from `rng`. */
  renderClothing(rng: Rng): void {
    this.looks = new ClothingView(rng);
  }

  frame(cam: CameraModel, t: number, bodies: BodyPose[], missRate: number): CameraPoses {
    const frame = this.frames.get(cam.id) ?? 0;
    this.frames.set(cam.id, frame + 1);
    const raw: Raw[] = [];
    for (const b of bodies) {
      if (this.rng.chance(missRate)) continue;
      const pts = joints(b);
      const kps: Array<[number, number, number]> = [];
      let visible = 0;
      let depth = 0;
      for (const p of pts) {
        const px = cam.project(p);
        if (!px || !cam.inImage(px[0], px[1], 2)) {
          kps.push([0, 0, 0]);
          continue;
        }
        // A hand reaching into a shelf is seen through the open shelf front: test the line of sight
        // only up to 0.35 m short of the joint.
        const ray: V3 = [p[0] - cam.centre[0], p[1] - cam.centre[1], p[2] - cam.centre[2]];
        const len = Math.hypot(ray[0], ray[1], ray[2]);
        const k = Math.max(0, (len - 0.35) / len);
        const near: V3 = [cam.centre[0] + ray[0] * k, cam.centre[1] + ray[1] * k, cam.centre[2] + ray[2] * k];
        const hidden = this.solids.some((s) => segmentHitsBox(cam.centre, near, s));
        const sd = 2 + px[2] * 0.3;
        kps.push([
          px[0] + this.rng.normal() * sd,
          px[1] + this.rng.normal() * sd,
          hidden ? this.rng.range(0.02, 0.2) : this.rng.range(0.55, 0.97),
        ]);
        if (!hidden) visible++;
        depth += px[2];
      }
      if (visible < 5) continue;
      const vis = kps.filter((k) => k[2] > 0.3);
      const xs = vis.map((k) => k[0]);
      const ys = vis.map((k) => k[1]);
      const box: [number, number, number, number] = [
        Math.min(...xs) - 12,
        Math.min(...ys) - 12,
        Math.max(...xs) + 12,
        Math.max(...ys) + 12,
      ];
      raw.push({ depth: depth / pts.length, kps, box, body: b });
    }
    // Shoppers nearer the camera hide keypoints of those behind them.
    for (const p of raw) {
      for (const q of raw) {
        if (q === p || q.depth >= p.depth) continue;
        const [x1, y1, x2, y2] = q.box;
        for (const k of p.kps) {
          if (k[2] > 0.3 && k[0] > x1 + 10 && k[0] < x2 - 10 && k[1] > y1 + 10 && k[1] < y2 - 10)
            k[2] = this.rng.range(0.05, 0.25);
        }
      }
    }
    const persons: PersonDetection[] = raw
      .filter((p) => p.kps.filter((k) => k[2] > 0.3).length >= 5)
      .map((p) => ({
        ...this.appearance(cam, p, raw),
        score: Math.round(Math.min(0.99, 0.5 + p.kps.filter((k) => k[2] > 0.3).length / 34) * 1000) / 1000,
        box: p.box.map((v) => Math.round(v * 10) / 10) as [number, number, number, number],
        keypoints: p.kps.map(([x, y, s]) => [
          Math.round(x * 10) / 10,
          Math.round(y * 10) / 10,
          Math.round(s * 1000) / 1000,
        ]),
      }));
    for (let i = persons.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng.next() * (i + 1));
      [persons[i], persons[j]] = [persons[j] as PersonDetection, persons[i] as PersonDetection];
    }
    return { cameraId: cam.id, frame, t: Math.round(t), persons };
  }

  /**
   * Clothing colours as the pose worker would measure them (edge/vision/appearance.ts): the torso
   * and thighs' pixels, minus those inside nearer people's boxes; a region mostly covered, or whose
   * keypoints are hidden, is left out. What the mask misses of a neighbour mixes into the colour.
   */
  private appearance(cam: CameraModel, p: Raw, all: Raw[]): Pick<PersonDetection, 'appearance'> {
    const clothing = p.body.clothing;
    if (!this.looks || !clothing) return {};
    const part = (region: Box | undefined, own: Rgb, which: keyof Clothing): Rgb | undefined => {
      if (!region || !this.looks) return undefined;
      const area = (region[2] - region[0]) * (region[3] - region[1]);
      let covered = 0;
      let other: Rgb | undefined;
      let most = 0;
      for (const q of all) {
        if (q === p || q.depth >= p.depth) continue;
        const o = overlap(region, q.box);
        covered += o;
        if (o > most && q.body.clothing) {
          most = o;
          other = q.body.clothing[which];
        }
      }
      const share = Math.min(1, covered / area);
      if (share > MAX_COVERED) return undefined;
      return this.looks.observe(cam.id, own, p.body.x, p.body.y, p.depth, other, 0.25 * share);
    };
    const b = p.body;
    const toCam = Math.atan2(cam.centre[1] - b.y, cam.centre[0] - b.x);
    const upper = part(
      regionBox(p.kps, [5, 6], [11, 12]),
      torsoSeen(clothing, Math.cos(toCam - b.heading)),
      'upper',
    );
    const lower = part(regionBox(p.kps, [11, 12], [13, 14]), clothing.lower, 'lower');
    if (!upper && !lower) return {};
    return { appearance: { ...(upper ? { upper } : {}), ...(lower ? { lower } : {}) } };
  }
}
