import type { Step, World } from './shopper-types.ts';
import type { Shopper } from './shoppers.ts';

/**
 * People do not walk through each other: with someone close ahead, step aside (never into a shelf)
 * or wait; after 1.5 s of waiting, squeeze past. Returns false while waiting.
 */
export function makeWay(me: Shopper, w: World, s: Extract<Step, { k: 'walk' }>, t: number): boolean {
  const next = s.path?.[0];
  if (!next || s.gate) return true;
  const dx = next[0] - me.x;
  const dy = next[1] - me.y;
  const d = Math.hypot(dx, dy);
  if (d < 1e-6) return true;
  const ux = dx / d;
  const uy = dy / d;
  const blocker = w
    .others()
    .find(
      (o) =>
        o !== me &&
        !o.gone &&
        o.inside &&
        (o.x - me.x) * ux + (o.y - me.y) * uy > 0 &&
        Math.hypot(o.x - me.x, o.y - me.y) < 0.55,
    );
  if (!blocker) {
    s.waitingSince = undefined;
    return true;
  }
  if (s.sidestepAt === undefined || t - s.sidestepAt > 1500) {
    for (const side of [1, -1]) {
      const p: [number, number] = [me.x + side * uy * 0.5 + ux * 0.3, me.y - side * ux * 0.5 + uy * 0.3];
      const crowded = w
        .others()
        .some((o) => o !== me && !o.gone && Math.hypot(o.x - p[0], o.y - p[1]) < 0.45);
      if (!crowded && w.grid.clear([me.x, me.y], p)) {
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
export function freeSpot(me: Shopper, w: World, to: [number, number]): [number, number] {
  const taken = (x: number, y: number) =>
    w.others().some((o) => o !== me && o.standing && !o.gone && Math.hypot(o.x - x, o.y - y) < 0.6);
  if (!taken(...to)) return to;
  for (const d of [0.6, -0.6, 1.2, -1.2, 1.8, -1.8]) {
    for (const [dx, dy] of [
      [0, d],
      [d, 0],
    ] as const) {
      const p = w.grid.snap(to[0] + dx, to[1] + dy);
      if (!taken(...p) && Math.hypot(p[0] - to[0] - dx, p[1] - to[1] - dy) < 0.15) return p;
    }
  }
  return to;
}
