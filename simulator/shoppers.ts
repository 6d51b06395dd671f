import type { V3 } from '../core/geometry/camera-model.ts';
import type { TruthEvent } from '../core/receipt.ts';
import type { GateConfig } from '../core/store/schema.ts';
import type { PlateInfo, StoreModel } from '../core/store/store-model.ts';
import type { BodyPose } from './cameras.ts';
import type { PlateSensor } from './load-cells.ts';
import type { SimParams } from './presets.ts';
import type { Rng } from './rng.ts';
import type { WalkGrid } from './walk-grid.ts';

/** One scan at the entry: a shopper alone or a group of 2-4 sharing one cart. */
export interface Session {
  token: string;
  scanAt: number;
  members: Shopper[];
  exited: number;
  cart: Map<string, number>;
}

interface Held {
  sku: string;
  weight: number;
  plateId: string;
}

type Step =
  | {
      k: 'walk';
      to: [number, number];
      path?: Array<[number, number]>;
      gate?: 'in' | 'out';
      personalSpace?: boolean;
      waitingSince?: number;
      sidestepAt?: number;
    }
  | { k: 'pause'; ms: number; until?: number; face?: [number, number] }
  | { k: 'take'; plateId: string; count: number; phase?: Interaction }
  | { k: 'return'; plateId: string; phase?: Interaction }
  | { k: 'handover' };

interface Interaction {
  tIn: number;
  tOut: number;
  lifts: number[];
  done: number;
  plates: Array<{ plateId: string; deltaGrams: number }>;
  touched: string[];
  hand: 'left' | 'right';
  target: V3;
}

/** World services a shopper acts on. */
export interface World {
  store: StoreModel;
  grid: WalkGrid;
  plates: Map<string, PlateSensor>;
  stock: Map<string, number>;
  rng: Rng;
  params: SimParams;
  truth(e: TruthEvent): void;
  passage(gate: GateConfig, t: number): void;
  /** Shoppers in the store, for personal space at shelves. */
  others(): readonly Shopper[];
}

/** Where a shopper stands to reach a plate: in front of the gondola face the plate is flush with. */
export function standPoint(w: World, plate: PlateInfo): [number, number] {
  const fp = plate.gondola.footprint;
  const b = plate.plate.box;
  const sides: Array<[number, [number, number]]> = [
    [b.min[0] - fp.min[0], [-1, 0]],
    [fp.max[0] - b.max[0], [1, 0]],
    [b.min[1] - fp.min[1], [0, -1]],
    [fp.max[1] - b.max[1], [0, 1]],
  ];
  sides.sort((a, c) => a[0] - c[0]);
  const [, n] = sides[0] as [number, [number, number]];
  const cx = (b.min[0] + b.max[0]) / 2;
  const cy = (b.min[1] + b.max[1]) / 2;
  const faceX = n[0] < 0 ? fp.min[0] : n[0] > 0 ? fp.max[0] : cx;
  const faceY = n[1] < 0 ? fp.min[1] : n[1] > 0 ? fp.max[1] : cy;
  return w.grid.snap(n[0] !== 0 ? faceX + n[0] * 0.5 : cx, n[1] !== 0 ? faceY + n[1] * 0.5 : cy);
}

function crosses(a: [number, number], b: [number, number], g: GateConfig['line']): boolean {
  const [[x1, y1], [x2, y2]] = g;
  const d = (px: number, py: number) => (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1);
  const e = (px: number, py: number) => (b[0] - a[0]) * (py - a[1]) - (b[1] - a[1]) * (px - a[0]);
  return d(...a) * d(...b) < 0 && e(x1, y1) * e(x2, y2) < 0;
}

export class Shopper {
  x: number;
  y: number;
  heading = Math.PI / 2;
  stride = 0;
  readonly height: number;
  private readonly speed: number;
  steps: Step[] = [];
  held: Held[] = [];
  gone = false;
  inside = false;
  /** Walking out: past the point where the entry gate matters. */
  leaving = false;
  /** Standing at a shelf (not walking), where others keep their distance. */
  standing = false;
  private wrist: { hand: 'left' | 'right'; target: V3 } | undefined;

  constructor(
    readonly session: Session,
    readonly member: number,
    spawn: [number, number],
    private readonly w: World,
  ) {
    this.x = spawn[0];
    this.y = spawn[1];
    this.height = w.rng.range(1.55, 1.92);
    this.speed = w.rng.range(0.9, 1.3);
  }

  pose(): BodyPose {
    return {
      x: this.x,
      y: this.y,
      heading: this.heading,
      height: this.height,
      stride: this.stride,
      ...(this.wrist?.hand === 'left' ? { leftWrist: this.wrist.target } : {}),
      ...(this.wrist?.hand === 'right' ? { rightWrist: this.wrist.target } : {}),
    };
  }

  /** Advances by dt ms to time t (ms since start). */
  update(t: number, dt: number): void {
    while (!this.gone) {
      const s = this.steps[0];
      if (!s) {
        this.gone = true;
        return;
      }
      if (!this.run(s, t, dt)) return;
      this.steps.shift();
    }
  }

  /** Runs a step; true when it finished. */
  private run(s: Step, t: number, dt: number): boolean {
    switch (s.k) {
      case 'walk':
        return this.walk(s, t, dt);
      case 'pause':
        s.until ??= t + s.ms;
        if (s.face) this.heading = Math.atan2(s.face[1] - this.y, s.face[0] - this.x);
        return t >= s.until;
      case 'take':
      case 'return':
        return this.interact(s, t);
      case 'handover': {
        const other = this.session.members.find((m) => m !== this && !m.gone && m.inside);
        const item = this.held.pop();
        if (other && item) {
          other.held.push(item);
          this.w.truth({
            truth: 'event',
            token: this.session.token,
            member: this.member,
            kind: 'handover',
            sku: item.sku,
            count: 1,
            t0: t,
            t1: t,
            plates: [],
            toMember: other.member,
          });
        } else if (item) this.held.push(item);
        return true;
      }
    }
  }

  private walk(s: Extract<Step, { k: 'walk' }>, t: number, dt: number): boolean {
    if (!s.path) {
      this.standing = false;
      if (s.gate === 'out') this.leaving = true;
      if (s.personalSpace) s.to = this.freeSpot(s.to);
      s.path = this.w.grid.path([this.x, this.y], s.to).slice(1);
    }
    if (!this.makeWay(s, t)) return false;
    let budget = (this.speed * dt) / 1000;
    while (budget > 0) {
      const next = s.path[0];
      if (!next) {
        this.standing = true;
        return true;
      }
      const dx = next[0] - this.x;
      const dy = next[1] - this.y;
      const d = Math.hypot(dx, dy);
      const from: [number, number] = [this.x, this.y];
      if (d <= budget) {
        this.x = next[0];
        this.y = next[1];
        s.path.shift();
        budget -= d;
      } else {
        this.x += (dx / d) * budget;
        this.y += (dy / d) * budget;
        budget = 0;
      }
      if (d > 1e-6) this.heading = Math.atan2(dy, dx);
      this.stride += (Math.min(d, (this.speed * dt) / 1000) / 0.7) * Math.PI;
      if (s.gate) {
        for (const g of this.w.store.config.gates) {
          if (g.kind === (s.gate === 'in' ? 'entry' : 'exit') && crosses(from, [this.x, this.y], g.line)) {
            this.w.passage(g, t);
            this.inside = s.gate === 'in';
          }
        }
      }
    }
    if (s.path.length === 0) this.standing = true;
    return s.path.length === 0;
  }

  /**
   * People do not walk through each other: with someone close ahead, step aside (never into a shelf)
   * or wait; after 1.5 s of waiting, squeeze past. Returns false while waiting.
   */
  private makeWay(s: Extract<Step, { k: 'walk' }>, t: number): boolean {
    const next = s.path?.[0];
    if (!next || s.gate) return true;
    const dx = next[0] - this.x;
    const dy = next[1] - this.y;
    const d = Math.hypot(dx, dy);
    if (d < 1e-6) return true;
    const ux = dx / d;
    const uy = dy / d;
    const blocker = this.w
      .others()
      .find(
        (o) =>
          o !== this &&
          !o.gone &&
          o.inside &&
          (o.x - this.x) * ux + (o.y - this.y) * uy > 0 &&
          Math.hypot(o.x - this.x, o.y - this.y) < 0.55,
      );
    if (!blocker) {
      s.waitingSince = undefined;
      return true;
    }
    if (s.sidestepAt === undefined || t - s.sidestepAt > 1500) {
      for (const side of [1, -1]) {
        const p: [number, number] = [
          this.x + side * uy * 0.5 + ux * 0.3,
          this.y - side * ux * 0.5 + uy * 0.3,
        ];
        const crowded = this.w
          .others()
          .some((o) => o !== this && !o.gone && Math.hypot(o.x - p[0], o.y - p[1]) < 0.45);
        if (!crowded && this.w.grid.clear([this.x, this.y], p)) {
          s.path?.unshift(p);
          s.sidestepAt = t;
          return true;
        }
      }
    }
    s.waitingSince ??= t;
    return t - s.waitingSince > 1500;
  }

  /** People keep ~0.6 m apart at a shelf: slide along it to the nearest spot nobody stands on. */
  private freeSpot(to: [number, number]): [number, number] {
    const taken = (x: number, y: number) =>
      this.w.others().some((o) => o !== this && o.standing && !o.gone && Math.hypot(o.x - x, o.y - y) < 0.6);
    if (!taken(...to)) return to;
    for (const d of [0.6, -0.6, 1.2, -1.2, 1.8, -1.8]) {
      for (const [dx, dy] of [
        [0, d],
        [d, 0],
      ] as const) {
        const p = this.w.grid.snap(to[0] + dx, to[1] + dy);
        if (!taken(...p) && Math.hypot(p[0] - to[0] - dx, p[1] - to[1] - dy) < 0.15) return p;
      }
    }
    return to;
  }

  private interact(s: Extract<Step, { k: 'take' | 'return' }>, t: number): boolean {
    const w = this.w;
    const info = w.store.plate(s.plateId);
    if (!info) return true;
    if (!s.phase) {
      const count = s.k === 'take' ? Math.min(s.count, w.stock.get(s.plateId) ?? 0) : 1;
      if (count === 0 || (s.k === 'return' && this.held.length === 0)) return true;
      const b = info.plate.box;
      const target: V3 = [
        w.rng.range(b.min[0] + 0.05, b.max[0] - 0.1),
        w.rng.range(b.min[1] + 0.06, b.max[1] - 0.06),
        b.min[2] + w.rng.range(0.04, 0.15),
      ];
      const tIn = t;
      const lifts = Array.from({ length: count }, (_, i) => tIn + w.rng.range(350, 650) + i * 400);
      s.phase = {
        tIn,
        tOut: (lifts[lifts.length - 1] ?? tIn) + w.rng.range(350, 800),
        lifts,
        done: 0,
        plates: [],
        touched: [s.plateId],
        hand: w.rng.chance(0.5) ? 'left' : 'right',
        target,
      };
      this.heading = Math.atan2(target[1] - this.y, target[0] - this.x);
      this.wrist = { hand: s.phase.hand, target };
      this.shakeAround(info, t);
      const sensor = w.plates.get(s.plateId);
      if (sensor) sensor.touching++;
    }
    const p = s.phase;
    while (p.done < p.lifts.length && t >= (p.lifts[p.done] as number)) {
      if (s.k === 'take') this.lift(info, p);
      else this.putDown(info, p);
      p.done++;
    }
    if (t < p.tOut) return false;
    const sensor = w.plates.get(s.plateId);
    if (sensor) sensor.touching--;
    this.wrist = undefined;
    this.shakeAround(info, t);
    if (p.plates.length > 0) {
      const kind =
        s.k === 'take' ? 'take' : info.facing?.sku === this.lastPut ? 'return' : 'misplaced-return';
      const sku = s.k === 'take' ? (info.facing?.sku ?? '') : (this.lastPut ?? '');
      const merged = new Map<string, number>();
      for (const d of p.plates) merged.set(d.plateId, (merged.get(d.plateId) ?? 0) + d.deltaGrams);
      w.truth({
        truth: 'event',
        token: this.session.token,
        member: this.member,
        kind,
        sku,
        count: p.done,
        t0: p.tIn,
        t1: p.tOut,
        plates: [...merged].map(([plateId, g]) => ({ plateId, deltaGrams: Math.round(g * 100) / 100 })),
      });
      const sign = s.k === 'take' ? 1 : -1;
      this.session.cart.set(sku, (this.session.cart.get(sku) ?? 0) + sign * p.done);
    }
    return true;
  }

  private lastPut: string | undefined;

  /** Lifts one unit: its weight leaves the plate, sometimes spread over 2-3 plates of the facing. */
  private lift(info: PlateInfo, p: Interaction): void {
    const w = this.w;
    const f = info.facing;
    const product = f ? w.store.product(f.sku) : undefined;
    if (!f || !product) return;
    const weight = product.weight.meanGrams + w.rng.normal() * product.weight.sdGrams;
    const neighbours = f.plates.filter((id) => id !== info.id && info.neighbours.includes(id));
    let parts: Array<[string, number]> = [[info.id, 1]];
    if (neighbours.length > 0 && w.rng.chance(0.35)) {
      const main = w.rng.range(0.5, 0.85);
      parts = [
        [info.id, main],
        [w.rng.pick(neighbours), 1 - main],
      ];
      const third = f.plates.find(
        (id) =>
          !parts.some(([q]) => q === id) &&
          w.store.plate(id)?.neighbours.some((n) => parts.some(([q]) => q === n)),
      );
      if (third && w.rng.chance(0.3))
        parts = [
          [info.id, main],
          [parts[1]?.[0] as string, (1 - main) * 0.65],
          [third, (1 - main) * 0.35],
        ];
    }
    for (const [id, frac] of parts) {
      const sensor = w.plates.get(id);
      if (sensor) sensor.load -= weight * frac;
      p.plates.push({ plateId: id, deltaGrams: -weight * frac });
    }
    w.stock.set(info.id, Math.max(0, (w.stock.get(info.id) ?? 0) - 1));
    this.held.push({ sku: f.sku, weight, plateId: info.id });
  }

  private putDown(info: PlateInfo, p: Interaction): void {
    const item = this.held.pop();
    if (!item) return;
    const sensor = this.w.plates.get(info.id);
    if (sensor) sensor.load += item.weight;
    p.plates.push({ plateId: info.id, deltaGrams: item.weight });
    this.lastPut = item.sku;
    if (info.facing?.sku === item.sku) this.w.stock.set(info.id, (this.w.stock.get(info.id) ?? 0) + 1);
  }

  /** Touching a shelf shakes plates nearby on the same gondola for ~0.4 s. */
  private shakeAround(info: PlateInfo, t: number): void {
    const w = this.w;
    for (const shelf of info.gondola.shelves) {
      shelf.plates.forEach((pl, i) => {
        if (Math.abs(i - info.index) > 2 || pl.id === info.id) return;
        w.plates.get(pl.id)?.shake(t, w.rng.range(8, 40));
      });
    }
  }
}
