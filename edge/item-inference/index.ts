import type { Hypothesis } from '../../core/messages.ts';

/**
 * Item inference ("which product, how many, taken or put back"): a posterior over hypotheses for one
 * shelf event from the planogram of its plates, items known to lie there misplaced, and the carts of
 * the shoppers who may have caused it, scored by the weight change's likelihood under each product's
 * unit-weight distribution.
 */

export interface InferenceInput {
  plates: Array<{ plateId: string; deltaGrams: number }>;
  deltaGrams: number;
  seGrams: number;
}

export interface InferenceContext {
  /** Carts of candidate sessions with their association probabilities. */
  carts: Array<{ sessionId: string; prob: number; items: ReadonlyMap<string, number> }>;
  /** Misplaced items known to lie on the event's plates: sku → units. */
  foreign: ReadonlyMap<string, number>;
  /** What every open session holds (sku → units): a put-back by someone attribution missed. */
  anyCart?: ReadonlyMap<string, number>;
}

export interface ScoredHypothesis extends Hypothesis {
  /** A put-back onto a plate that is not the product's facing. */
  misplaced: boolean;
}

export interface Inference {
  /** Best first; probabilities are posterior and sum to 1 - `unexplained`. */
  hypotheses: ScoredHypothesis[];
  /** Posterior mass of "no product explains this change". */
  unexplained: number;
}

export interface ItemInference {
  infer(event: InferenceInput, ctx: InferenceContext): Inference;
}

export { InferenceConfig } from './config.ts';
export { createItemInference } from './weight-likelihood.ts';
