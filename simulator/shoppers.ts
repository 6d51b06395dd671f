import type { V3 } from '../core/geometry/camera-model.ts';
import { crossesLine } from '../core/geometry/floor-lines.ts';
import type { BodyPose } from './cameras.ts';
import type { Clothing } from './clothing.ts';
import { lift, putDown, shakeAround } from './shelf-handling.ts';
import type { Held, Session, Step, World } from './shopper-types.ts';
import { freeSpot, makeWay } from './shopper-walking.ts';

export { standPoint } from './shelf-handling.ts';
export type { Session, World } from './shopper-types.ts';

export class Shopper {
  x: number;
  y: number;
  heading = Math.PI / 2;
  stride = 0;
  readonly height: number;
  /** Drawn by the simulation from its own stream, so it changes no other draw. */
  clothing: Clothing | undefined;
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
      ...(this.clothing ? { clothing: this.clothing } : {}),
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
      if (s.personalSpace) s.to = freeSpot(this, this.w, s.to);
      s.path = this.w.grid.path([this.x, this.y], s.to).slice(1);
    }
    if (!makeWay(this, this.w, s, t)) return false;
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
          if (
            g.kind === (s.gate === 'in' ? 'entry' : 'exit') &&
            crossesLine(from, [this.x, this.y], g.line)
          ) {
            this.w.passage(g, t);
            this.inside = s.gate === 'in';
          }
        }
      }
    }
    if (s.path.length === 0) this.standing = true;
    return s.path.length === 0;
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
      shakeAround(w, info, t);
      const sensor = w.plates.get(s.plateId);
      if (sensor) sensor.touching++;
    }
    const p = s.phase;
    while (p.done < p.lifts.length && t >= (p.lifts[p.done] as number)) {
      if (s.k === 'take') lift(w, info, p, this.held);
      else {
        const put = putDown(w, info, p, this.held);
        if (put !== undefined) this.lastPut = put;
      }
      p.done++;
    }
    if (t < p.tOut) return false;
    const sensor = w.plates.get(s.plateId);
    if (sensor) sensor.touching--;
    this.wrist = undefined;
    shakeAround(w, info, t);
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
}
