import type { StoreModel } from '../../core/store/store-model.ts';
import type { InferenceContext, ItemInference } from '../item-inference/index.ts';
import type { ShelfEventDraft } from '../shelf-events/index.ts';

const round = (v: number, d = 100) => Math.round(v * d) / d;

/** Builds a draft from a subset of another draft's plates. */
function partOf(draft: ShelfEventDraft, plates: ShelfEventDraft['plates']): ShelfEventDraft {
  const t0 = Math.min(...plates.map((p) => p.t0));
  const fault = plates.find((p) => p.fault)?.fault;
  return {
    id: `${plates[0]?.plateId ?? draft.id}@${Math.round(t0)}`,
    shelfId: draft.shelfId,
    t0,
    t1: Math.max(...plates.map((p) => p.t1)),
    plates,
    deltaGrams: round(plates.reduce((s, p) => s + p.deltaGrams, 0)),
    seGrams: round(Math.sqrt(plates.reduce((s, p) => s + p.seGrams ** 2, 0)), 1000),
    ...(fault ? { fault } : {}),
  };
}

/** Consecutive plates grouped while `same(prev, next)` holds. */
function groupBy(
  plates: ShelfEventDraft['plates'],
  same: (a: ShelfEventDraft['plates'][number], b: ShelfEventDraft['plates'][number]) => boolean,
): Array<ShelfEventDraft['plates']> {
  const groups: Array<ShelfEventDraft['plates']> = [];
  for (const p of plates) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && same(prev, p)) last.push(p);
    else groups.push([p]);
  }
  return groups;
}

/**
 * Adjacent plates changing in one overlapping stretch of activity are either one item lying across
 * them or several hands: on two facings, or on one facing but starting well apart in time. The
 * weights decide: a split is kept when every part is explained by some product at least as well as
 * the whole (an item across a boundary leaves fractions of a unit weight that nothing explains).
 */
export function splitByFacing(
  draft: ShelfEventDraft,
  store: StoreModel,
  inference: ItemInference,
  ctx: InferenceContext,
  startGapMs = 800,
): ShelfEventDraft[] {
  if (draft.plates.length < 2) return [draft];
  const facing = (id: string) => store.plate(id)?.facing?.sku;
  const candidates = [
    groupBy(draft.plates, (a, b) => facing(a.plateId) === facing(b.plateId)),
    groupBy(draft.plates, (a, b) => Math.abs(a.t0 - b.t0) <= startGapMs),
  ].filter((g) => g.length > 1);
  if (candidates.length === 0) return [draft];
  const score = (d: ShelfEventDraft) => {
    const r = inference.infer(d, ctx);
    return (1 - r.unexplained) * (r.hypotheses[0]?.prob ?? 0);
  };
  const whole = score(draft);
  for (const groups of candidates) {
    const parts = groups.map((g) => partOf(draft, g));
    const worst = Math.min(...parts.map(score));
    if (worst > 0.5 && worst >= whole - 0.02) return parts;
  }
  return [draft];
}
