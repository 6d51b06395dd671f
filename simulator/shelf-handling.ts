import type { PlateInfo } from '../core/store/store-model.ts';
import type { Held, Interaction, World } from './shopper-types.ts';

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

/**
 * Lifts one unit into `held`: its weight leaves the plate, sometimes spread over 2-3 plates of the
 * facing.
 */
export function lift(w: World, info: PlateInfo, p: Interaction, held: Held[]): void {
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
  held.push({ sku: f.sku, weight, plateId: info.id });
}

/** Puts the last held unit on the plate; returns its sku, or undefined when nothing was held. */
export function putDown(w: World, info: PlateInfo, p: Interaction, held: Held[]): string | undefined {
  const item = held.pop();
  if (!item) return undefined;
  const sensor = w.plates.get(info.id);
  if (sensor) sensor.load += item.weight;
  p.plates.push({ plateId: info.id, deltaGrams: item.weight });
  if (info.facing?.sku === item.sku) w.stock.set(info.id, (w.stock.get(info.id) ?? 0) + 1);
  return item.sku;
}

/** Touching a shelf shakes plates nearby on the same gondola for ~0.4 s. */
export function shakeAround(w: World, info: PlateInfo, t: number): void {
  for (const shelf of info.gondola.shelves) {
    shelf.plates.forEach((pl, i) => {
      if (Math.abs(i - info.index) > 2 || pl.id === info.id) return;
      w.plates.get(pl.id)?.shake(t, w.rng.range(8, 40));
    });
  }
}
