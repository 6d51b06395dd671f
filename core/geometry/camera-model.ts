import type { CameraConfig } from '../store/schema.ts';

export type V3 = [number, number, number];

const sub = (a: V3, b: readonly number[]): V3 => [a[0] - (b[0] ?? 0), a[1] - (b[1] ?? 0), a[2] - (b[2] ?? 0)];
const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const cross = (a: V3, b: V3): V3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];
const norm = (a: V3): V3 => {
  const n = Math.hypot(a[0], a[1], a[2]);
  return [a[0] / n, a[1] / n, a[2] / n];
};

/** A ray in the store frame: origin (camera centre) and unit direction. */
export interface Ray {
  origin: V3;
  dir: V3;
}

/**
 * Pinhole camera with OpenCV's Brown-Conrady distortion (k1, k2, p1, p2, k3). Camera axes follow
 * OpenCV: x right, y down, z forward. Built once per camera; project/unproject are allocation-light
 * because the simulator projects every keypoint of every shopper for every frame.
 */
export class CameraModel {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  readonly centre: V3;
  /** World→camera rotation rows. */
  readonly rx: V3;
  readonly ry: V3;
  readonly rz: V3;
  private readonly fx: number;
  /** Mean focal length (px): pixels per radian near the image centre. */
  readonly focalPx: number;
  private readonly fy: number;
  private readonly cx: number;
  private readonly cy: number;
  private readonly k1: number;
  private readonly k2: number;
  private readonly p1: number;
  private readonly p2: number;
  private readonly k3: number;

  constructor(readonly config: CameraConfig) {
    this.id = config.id;
    [this.width, this.height] = config.resolution;
    const { fx, fy, cx, cy, distortion } = config.intrinsics;
    this.fx = fx;
    this.fy = fy;
    this.focalPx = (fx + fy) / 2;
    this.cx = cx;
    this.cy = cy;
    [this.k1, this.k2, this.p1, this.p2, this.k3] = [0, 1, 2, 3, 4].map((i) => distortion[i] ?? 0) as [
      number,
      number,
      number,
      number,
      number,
    ];
    this.centre = [...config.pose.position];
    const forward = norm(sub([...config.pose.lookAt], this.centre));
    const up: V3 = [...config.pose.up];
    const upPerp = sub(
      up,
      forward.map((f) => f * dot(up, forward)),
    );
    const down = norm([-upPerp[0], -upPerp[1], -upPerp[2]]);
    this.rz = forward;
    this.ry = down;
    this.rx = cross(down, forward);
  }

  /** Store point → camera coordinates. */
  toCamera(p: readonly number[]): V3 {
    const c = this.centre;
    const q: V3 = [(p[0] ?? 0) - c[0], (p[1] ?? 0) - c[1], (p[2] ?? 0) - c[2]];
    return [dot(this.rx, q), dot(this.ry, q), dot(this.rz, q)];
  }

  /** Applies lens distortion to normalised image coordinates. */
  distort(x: number, y: number): [number, number] {
    const r2 = x * x + y * y;
    const radial = 1 + r2 * (this.k1 + r2 * (this.k2 + r2 * this.k3));
    return [
      x * radial + 2 * this.p1 * x * y + this.p2 * (r2 + 2 * x * x),
      y * radial + this.p1 * (r2 + 2 * y * y) + 2 * this.p2 * x * y,
    ];
  }

  /** Inverts `distort` by fixed-point iteration (converges for the mild distortion of store cameras). */
  undistort(xd: number, yd: number): [number, number] {
    let x = xd;
    let y = yd;
    for (let i = 0; i < 8; i++) {
      const r2 = x * x + y * y;
      const radial = 1 + r2 * (this.k1 + r2 * (this.k2 + r2 * this.k3));
      const dx = 2 * this.p1 * x * y + this.p2 * (r2 + 2 * x * x);
      const dy = this.p1 * (r2 + 2 * y * y) + 2 * this.p2 * x * y;
      x = (xd - dx) / radial;
      y = (yd - dy) / radial;
    }
    return [x, y];
  }

  /** Store point → pixel [u, v, depth], or undefined when behind the camera. */
  project(p: readonly number[]): [number, number, number] | undefined {
    const [X, Y, Z] = this.toCamera(p);
    if (Z <= 1e-6) return undefined;
    const [xd, yd] = this.distort(X / Z, Y / Z);
    return [this.fx * xd + this.cx, this.fy * yd + this.cy, Z];
  }

  inImage(u: number, v: number, margin = 0): boolean {
    return u >= margin && v >= margin && u < this.width - margin && v < this.height - margin;
  }

  /** Pixel → ray in the store frame. */
  unproject(u: number, v: number): Ray {
    const [x, y] = this.undistort((u - this.cx) / this.fx, (v - this.cy) / this.fy);
    const dir = norm([
      this.rx[0] * x + this.ry[0] * y + this.rz[0],
      this.rx[1] * x + this.ry[1] * y + this.rz[1],
      this.rx[2] * x + this.ry[2] * y + this.rz[2],
    ]);
    return { origin: [...this.centre], dir };
  }
}

/**
 * Least-squares intersection of rays (the point minimising the weighted sum of squared distances to
 * each ray). Returns undefined when the rays are (nearly) parallel.
 */
export function triangulate(rays: ReadonlyArray<Ray>, weights?: ReadonlyArray<number>): V3 | undefined {
  const a = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const b = [0, 0, 0];
  rays.forEach((r, k) => {
    const w = weights?.[k] ?? 1;
    const d = r.dir;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const m = w * ((i === j ? 1 : 0) - (d[i] ?? 0) * (d[j] ?? 0));
        a[i * 3 + j] = (a[i * 3 + j] ?? 0) + m;
        b[i] = (b[i] ?? 0) + m * (r.origin[j] ?? 0);
      }
    }
  });
  const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = a as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const det = a0 * (a4 * a8 - a5 * a7) - a1 * (a3 * a8 - a5 * a6) + a2 * (a3 * a7 - a4 * a6);
  if (Math.abs(det) < 1e-9) return undefined;
  const [b0, b1, b2] = b as [number, number, number];
  const x = (b0 * (a4 * a8 - a5 * a7) - a1 * (b1 * a8 - a5 * b2) + a2 * (b1 * a7 - a4 * b2)) / det;
  const y = (a0 * (b1 * a8 - a5 * b2) - b0 * (a3 * a8 - a5 * a6) + a2 * (a3 * b2 - b1 * a6)) / det;
  const z = (a0 * (a4 * b2 - b1 * a7) - a1 * (a3 * b2 - b1 * a6) + b0 * (a3 * a7 - a4 * a6)) / det;
  return [x, y, z];
}

/** Distance from point p to a ray's line. */
export function distanceToRay(p: V3, r: Ray): number {
  const q = sub(p, r.origin);
  const t = dot(q, r.dir);
  return Math.hypot(q[0] - t * r.dir[0], q[1] - t * r.dir[1], q[2] - t * r.dir[2]);
}
