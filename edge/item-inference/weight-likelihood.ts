import type { StoreModel } from '../../core/store/store-model.ts';
import type { InferenceConfig } from './config.ts';
import type {
  Inference,
  InferenceContext,
  InferenceInput,
  ItemInference,
  ScoredHypothesis,
} from './index.ts';

interface Raw {
  sku: string;
  count: number;
  kind: 'take' | 'return';
  misplaced: boolean;
  logPost: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** Bayesian scoring: prior(where, what, how many) × N(Δ; ±n·μ, n·σ² + se² + model²). */
class WeightLikelihoodInference implements ItemInference {
  constructor(
    private readonly store: StoreModel,
    private readonly cfg: InferenceConfig,
  ) {}

  infer(ev: InferenceInput, ctx: InferenceContext): Inference {
    const cfg = this.cfg;
    const d = ev.deltaGrams;
    const kind: 'take' | 'return' = d < 0 ? 'take' : 'return';
    const raws: Raw[] = [];
    // Where: facings on the changed plates, weighted by the share of the change they saw.
    const total = ev.plates.reduce((s, p) => s + Math.abs(p.deltaGrams), 0) || 1;
    const facingPrior = new Map<string, number>();
    for (const p of ev.plates) {
      const sku = this.store.plate(p.plateId)?.facing?.sku;
      if (!sku) continue;
      facingPrior.set(sku, (facingPrior.get(sku) ?? 0) + Math.abs(p.deltaGrams) / total);
    }
    const skuPrior = new Map<string, { prior: number; misplaced: boolean; maxCount: number }>();
    const add = (sku: string, prior: number, misplaced: boolean, maxCount: number) => {
      const cur = skuPrior.get(sku);
      if (cur) {
        cur.prior += prior;
        cur.maxCount = Math.max(cur.maxCount, maxCount);
      } else skuPrior.set(sku, { prior, misplaced, maxCount });
    };
    if (kind === 'take') {
      for (const [sku, w] of facingPrior) add(sku, Math.max(w, 0.02), false, cfg.maxUnits);
      for (const [sku, units] of ctx.foreign) {
        if (units > 0) add(sku, cfg.foreignTakePrior, !facingPrior.has(sku), Math.min(units, cfg.maxUnits));
      }
    } else {
      // A put-back can be anything the nearby shoppers carry; off its facing it is a misplaced return.
      const held = new Map<string, { p: number; max: number }>();
      for (const c of ctx.carts) {
        for (const [sku, q] of c.items) {
          if (q <= 0) continue;
          const h = held.get(sku) ?? { p: 0, max: 0 };
          h.p += c.prob;
          h.max = Math.max(h.max, q);
          held.set(sku, h);
        }
      }
      // Own-facing put-backs: likely when the shoppers nearby hold the product, possible otherwise
      // (attribution can be wrong: someone else in the store holds it), rare when nobody in the store
      // holds it (a take was missed); misplaced ones only for what they hold.
      for (const [sku, w] of facingPrior) {
        const p = Math.min(1, held.get(sku)?.p ?? 0);
        const nobody = ctx.anyCart !== undefined && (ctx.anyCart.get(sku) ?? 0) <= 0;
        const elsewhere = nobody ? cfg.unheldAnywherePrior : cfg.unheldReturnPrior;
        add(sku, Math.max(w, 0.02) * (elsewhere + (1 - elsewhere) * p), false, cfg.maxUnits);
      }
      // Attribution can miss the shopper: anything held in the store stays possible, at a lower prior.
      const anywhere = new Map(ctx.anyCart ?? []);
      for (const [sku, h] of held) anywhere.set(sku, Math.max(anywhere.get(sku) ?? 0, h.max));
      for (const [sku, q] of anywhere) {
        if (q <= 0 || facingPrior.has(sku)) continue;
        const p = Math.max(cfg.unattributedPrior, Math.min(1, held.get(sku)?.p ?? 0));
        add(sku, cfg.misplacedPrior * p, true, Math.min(q, cfg.maxUnits));
      }
    }
    const mag = Math.abs(d);
    const baseVar = ev.seGrams ** 2 + cfg.modelSdGrams ** 2;
    // Grabs of several units happen; putting several back at once is rarer.
    const logCount = Math.log(kind === 'take' ? cfg.multiUnitPrior : cfg.multiUnitReturnPrior);
    for (const [sku, { prior, misplaced, maxCount }] of skuPrior) {
      const w = this.store.product(sku)?.weight;
      if (!w || prior <= 0) continue;
      for (let n = 1; n <= maxCount; n++) {
        const v = baseVar + n * w.sdGrams ** 2;
        const z = mag - n * w.meanGrams;
        raws.push({
          sku,
          count: n,
          kind,
          misplaced,
          logPost:
            Math.log(prior) + (n - 1) * logCount - (z * z) / (2 * v) - 0.5 * Math.log(v) - LOG_SQRT_2PI,
        });
        if (n * w.meanGrams > mag + 10 * Math.sqrt(v)) break;
      }
    }
    const logUnknown = Math.log(cfg.unknownPrior) - Math.log(cfg.unknownRangeGrams);
    let max = logUnknown;
    for (const r of raws) if (r.logPost > max) max = r.logPost;
    let z = Math.exp(logUnknown - max);
    for (const r of raws) z += Math.exp(r.logPost - max);
    raws.sort(
      (a, b) => b.logPost - a.logPost || (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : a.count - b.count),
    );
    const hypotheses: ScoredHypothesis[] = [];
    for (const r of raws.slice(0, cfg.keep)) {
      const prob = Math.exp(r.logPost - max) / z;
      if (prob < 1e-12 && hypotheses.length > 0) break;
      hypotheses.push({
        sku: r.sku,
        count: r.count,
        kind: r.kind,
        prob: Math.round(prob * 1e9) / 1e9,
        misplaced: r.misplaced,
      });
    }
    return { hypotheses, unexplained: Math.round((Math.exp(logUnknown - max) / z) * 1e6) / 1e6 };
  }
}

export function createItemInference(store: StoreModel, cfg: InferenceConfig): ItemInference {
  return new WeightLikelihoodInference(store, cfg);
}
