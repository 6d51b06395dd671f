import type { FacingConfig, GateConfig, Rect } from '../core/store/schema.ts';
import type { StoreModel } from '../core/store/store-model.ts';
import type { SimParams } from './presets.ts';
import type { Rng } from './rng.ts';
import { type Shopper, standPoint, type World } from './shoppers.ts';
import type { WalkGrid } from './walk-grid.ts';

export const lineY = (g: GateConfig) => (g.line[0][1] + g.line[1][1]) / 2;
export const lineX = (g: GateConfig) => (g.line[0][0] + g.line[1][0]) / 2;

/** Facings worth visiting under a preset: lookalike prefers products with a near-identical neighbour. */
export function candidateFacings(store: StoreModel, params: SimParams, rng: Rng): FacingConfig[] {
  const all = store.config.planogram.filter((f) => f.units > 0);
  if (params.hotShelf) {
    const shelves = [...new Set(all.map((f) => store.plate(f.plates[0] as string)?.shelf.id))];
    const hot = shelves[Math.floor(rng.next() * shelves.length)];
    const onHot = all.filter((f) => store.plate(f.plates[0] as string)?.shelf.id === hot);
    if (onHot.length >= 2) return onHot;
  }
  if (params.lookalike) {
    const similar = all.filter((f) => {
      const p = store.product(f.sku);
      const around = store
        .platesAround(f.plates[0] as string, 3)
        .concat(store.platesAround(f.plates[f.plates.length - 1] as string, 3));
      return around.some((pl) => {
        const q = pl.facing ? store.product(pl.facing.sku) : undefined;
        return (
          p &&
          q &&
          q.sku !== p.sku &&
          Math.abs(q.weight.meanGrams - p.weight.meanGrams) <= Math.max(5, 0.03 * p.weight.meanGrams)
        );
      });
    });
    if (similar.length > 0) return similar;
  }
  return all;
}

/** What planning a shopper's trip needs from the simulation. */
export interface PlanContext {
  store: StoreModel;
  grid: WalkGrid;
  rng: Rng;
  params: SimParams;
  world: World;
  facings: FacingConfig[];
  entryGate: GateConfig;
  exitGate: GateConfig;
  exitZone: Rect;
}

/** Queues a new shopper's steps: in through the entry gate, shelf visits, out through the exit. */
export function planShopper(c: PlanContext, s: Shopper): void {
  const { store, grid, rng, params, world, facings, entryGate, exitGate, exitZone } = c;
  const visits = rng.int(params.visits[0], params.visits[1]);
  const inside: [number, number] = grid.snap(
    lineX(entryGate) + rng.range(-0.2, 0.2),
    lineY(entryGate) + 0.9 + rng.range(0, 0.4),
  );
  s.steps.push({ k: 'pause', ms: 300 + s.member * 700 }, { k: 'walk', to: inside, gate: 'in' });
  for (let v = 0; v < visits; v++) {
    const f = rng.pick(facings);
    const plateId = rng.pick(f.plates);
    const info = store.plate(plateId);
    if (!info) continue;
    const [sx, sy] = standPoint(world, info);
    s.steps.push({
      k: 'walk',
      to: [sx + rng.range(-0.08, 0.08), sy + rng.range(-0.08, 0.08)],
      personalSpace: true,
    });
    s.steps.push({ k: 'pause', ms: rng.range(400, 2500), face: [info.centre[0], info.centre[1]] });
    const count = rng.chance(params.multiUnit) ? rng.int(2, 3) : 1;
    s.steps.push({ k: 'take', plateId, count });
    if (rng.chance(params.putBack)) {
      s.steps.push({ k: 'pause', ms: rng.range(1500, 4000) });
      let back = plateId;
      if (rng.chance(params.misplaced)) {
        const near = store.platesAround(plateId, 3).filter((p) => !f.plates.includes(p.id));
        if (near.length > 0) back = rng.pick(near).id;
      }
      s.steps.push({ k: 'return', plateId: back });
    } else if (s.session.members.length > 1 && rng.chance(params.handover)) {
      s.steps.push({ k: 'handover' });
    }
  }
  // Line up in front of the exit, then walk straight through it (the gate is the only way out).
  const dx = rng.range(-0.3, 0.3);
  const approach: [number, number] = grid.snap(lineX(exitGate) + dx, lineY(exitGate) + 0.8);
  const exitTo: [number, number] = [lineX(exitGate) + dx, exitZone.min[1] + 0.25];
  s.steps.push({ k: 'walk', to: approach }, { k: 'walk', to: exitTo, gate: 'out' }, { k: 'pause', ms: 800 });
}
