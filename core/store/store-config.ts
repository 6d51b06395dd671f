import type { z } from 'zod';
import { type GondolaConfig, StoreConfigBase } from './schema.ts';

type Ctx = z.core.$RefinementCtx<z.output<typeof StoreConfigBase>>;

function duplicates<T>(
  items: readonly T[],
  key: (t: T) => string,
  report: (index: number, value: string) => void,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) report(i, k);
    seen.add(k);
  });
}

function inside(p: readonly [number, number], floor: { width: number; depth: number }): boolean {
  return p[0] >= 0 && p[1] >= 0 && p[0] <= floor.width && p[1] <= floor.depth;
}

function checkGeometry(cfg: z.output<typeof StoreConfigBase>, ctx: Ctx): void {
  const boxAxes = ['x', 'y', 'z'] as const;
  cfg.gondolas.forEach((g: GondolaConfig, gi) => {
    for (const axis of [0, 1] as const) {
      if (g.footprint.min[axis] >= g.footprint.max[axis])
        ctx.addIssue({
          code: 'custom',
          path: ['gondolas', gi, 'footprint', 'max', axis],
          message: `must be > min ${boxAxes[axis]}`,
        });
    }
    if (!inside(g.footprint.min, cfg.floor) || !inside(g.footprint.max, cfg.floor))
      ctx.addIssue({
        code: 'custom',
        path: ['gondolas', gi, 'footprint'],
        message: 'must lie inside the floor',
      });
    for (const [si, s] of g.shelves.entries()) {
      for (const [pi, p] of s.plates.entries()) {
        for (const axis of [0, 1, 2] as const) {
          if (p.box.min[axis] >= p.box.max[axis])
            ctx.addIssue({
              code: 'custom',
              path: ['gondolas', gi, 'shelves', si, 'plates', pi, 'box', 'max', axis],
              message: `must be > min ${boxAxes[axis]}`,
            });
        }
      }
    }
  });
  cfg.zones.forEach((zn, zi) => {
    if (!inside(zn.area.min, cfg.floor) || !inside(zn.area.max, cfg.floor))
      ctx.addIssue({ code: 'custom', path: ['zones', zi, 'area'], message: 'must lie inside the floor' });
  });
  cfg.cameras.forEach((c, ci) => {
    const d = c.pose.lookAt.map((v, i) => v - (c.pose.position[i] ?? 0));
    const n = Math.hypot(...d);
    if (n < 1e-9) {
      ctx.addIssue({
        code: 'custom',
        path: ['cameras', ci, 'pose', 'lookAt'],
        message: 'must differ from position',
      });
      return;
    }
    const u = c.pose.up;
    const cross = [
      (d[1] ?? 0) * u[2] - (d[2] ?? 0) * u[1],
      (d[2] ?? 0) * u[0] - (d[0] ?? 0) * u[2],
      (d[0] ?? 0) * u[1] - (d[1] ?? 0) * u[0],
    ];
    if (Math.hypot(...cross) < 1e-6 * n * Math.hypot(...u))
      ctx.addIssue({
        code: 'custom',
        path: ['cameras', ci, 'pose', 'up'],
        message: 'must not be parallel to the viewing direction',
      });
  });
}

function checkReferences(cfg: z.output<typeof StoreConfigBase>, ctx: Ctx): void {
  const plates = new Map<string, { gi: number; si: number; pi: number }>();
  const channels = new Map<string, string>();
  for (const [gi, g] of cfg.gondolas.entries()) {
    for (const [si, s] of g.shelves.entries()) {
      for (const [pi, p] of s.plates.entries()) {
        const path = ['gondolas', gi, 'shelves', si, 'plates', pi];
        if (plates.has(p.id))
          ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `duplicate plate id "${p.id}"` });
        plates.set(p.id, { gi, si, pi });
        const ch = `${p.controller.id}#${p.controller.channel}`;
        const other = channels.get(ch);
        if (other)
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'controller'],
            message: `channel already used by plate "${other}"`,
          });
        channels.set(ch, p.id);
      }
    }
  }
  const unique = [
    ['gondolas', 'id', 'gondola id'],
    ['products', 'sku', 'sku'],
    ['cameras', 'id', 'camera id'],
    ['zones', 'id', 'zone id'],
    ['gates', 'id', 'gate id'],
  ] as const;
  for (const [list, field, label] of unique) {
    duplicates(
      cfg[list] as ReadonlyArray<Record<string, unknown>>,
      (x) => String(x[field]),
      (i, v) =>
        ctx.addIssue({ code: 'custom', path: [list, i, field], message: `duplicate ${label} "${v}"` }),
    );
  }

  const products = new Map(cfg.products.map((p) => [p.sku, p]));
  cfg.products.forEach((p, i) => {
    if (p.currency && p.currency !== cfg.currency)
      ctx.addIssue({
        code: 'custom',
        path: ['products', i, 'currency'],
        message: `must equal the store currency ${cfg.currency}`,
      });
  });
  const plateOwner = new Map<string, string>();
  cfg.planogram.forEach((f, fi) => {
    const product = products.get(f.sku);
    if (!product)
      ctx.addIssue({ code: 'custom', path: ['planogram', fi, 'sku'], message: `unknown sku "${f.sku}"` });
    const located = f.plates.map((pid, k) => {
      const loc = plates.get(pid);
      if (!loc)
        ctx.addIssue({
          code: 'custom',
          path: ['planogram', fi, 'plates', k],
          message: `unknown plate "${pid}"`,
        });
      const owner = plateOwner.get(pid);
      if (owner)
        ctx.addIssue({
          code: 'custom',
          path: ['planogram', fi, 'plates', k],
          message: `plate already holds "${owner}"`,
        });
      plateOwner.set(pid, f.sku);
      return loc;
    });
    const known = located.filter((l): l is NonNullable<typeof l> => l !== undefined);
    if (known.length === f.plates.length && known.length > 1) {
      const sameShelf = known.every((l) => l.gi === known[0]?.gi && l.si === known[0]?.si);
      const idx = known.map((l) => l.pi).sort((a, b) => a - b);
      const contiguous = idx.every((v, k) => k === 0 || v === (idx[k - 1] ?? v) + 1);
      if (!sameShelf || !contiguous)
        ctx.addIssue({
          code: 'custom',
          path: ['planogram', fi, 'plates'],
          message: 'must be adjacent plates of one shelf',
        });
    }
    if (product && known.length === f.plates.length) {
      const capacity = known.reduce((sum, l) => {
        const p = cfg.gondolas[l.gi]?.shelves[l.si]?.plates[l.pi];
        return sum + (p?.capacityGrams ?? 0);
      }, 0);
      if (f.units * product.weight.meanGrams > capacity)
        ctx.addIssue({
          code: 'custom',
          path: ['planogram', fi, 'units'],
          message: `exceeds plate capacity (${capacity} g)`,
        });
    }
  });
  const zoneKinds = new Map(cfg.zones.map((z) => [z.id, z.kind]));
  cfg.gates.forEach((g, gi) => {
    const kind = zoneKinds.get(g.zone);
    if (!kind)
      ctx.addIssue({ code: 'custom', path: ['gates', gi, 'zone'], message: `unknown zone "${g.zone}"` });
    else if (kind !== g.kind)
      ctx.addIssue({
        code: 'custom',
        path: ['gates', gi, 'zone'],
        message: `must be a zone of kind "${g.kind}"`,
      });
  });
  for (const kind of ['entry', 'exit'] as const) {
    if (!cfg.gates.some((g) => g.kind === kind))
      ctx.addIssue({ code: 'custom', path: ['gates'], message: `must contain at least one ${kind} gate` });
  }
}

/** The full store schema: field rules plus cross-references (ids exist, facings adjacent, capacity). */
export const StoreConfig = StoreConfigBase.superRefine((cfg, ctx) => {
  checkGeometry(cfg, ctx);
  checkReferences(cfg, ctx);
});
export type StoreConfig = z.output<typeof StoreConfig>;
