import { z } from 'zod';

/** Item-inference parameters: priors of a shopper's behaviour, not of a store. */
export const InferenceConfig = z.strictObject({
  maxUnits: z.number().int().positive().max(50).default(6).describe('Largest multi-unit grab considered'),
  multiUnitPrior: z
    .number()
    .positive()
    .max(1)
    .default(0.25)
    .describe('Prior ratio of grabbing n+1 units rather than n'),
  multiUnitReturnPrior: z
    .number()
    .positive()
    .max(1)
    .default(0.1)
    .describe('Prior ratio of putting back n+1 units at once rather than n'),
  misplacedPrior: z
    .number()
    .positive()
    .max(1)
    .default(0.2)
    .describe('Prior of a put-back to a wrong place, relative to a put-back to the own facing'),
  unheldReturnPrior: z
    .number()
    .positive()
    .max(1)
    .default(0.3)
    .describe(
      'Prior of putting back a product that no nearby shopper is known to hold, relative to one they hold',
    ),
  unheldAnywherePrior: z
    .number()
    .positive()
    .max(1)
    // About how often a take goes undetected (0.1-0.3 % of interactions in simulated traffic).
    .default(0.005)
    .describe(
      'Prior of putting back a product nobody in the store is known to hold (a missed take, or brought in), relative to one a nearby shopper holds',
    ),
  unattributedPrior: z
    .number()
    .positive()
    .max(1)
    .default(0.1)
    .describe('Prior of a misplaced put-back by a shopper not among the association candidates'),
  foreignTakePrior: z
    .number()
    .positive()
    .max(1)
    .default(0.5)
    .describe('Prior of taking an item known to lie on a wrong plate, relative to the facing product'),
  unknownPrior: z
    .number()
    .positive()
    .max(1)
    .default(0.01)
    .describe('Prior that no product explains the change (foreign object, leaning hand)'),
  unknownRangeGrams: z
    .number()
    .positive()
    .default(5000)
    .describe('The "unknown" hypothesis spreads its likelihood uniformly over this many grams'),
  modelSdGrams: z
    .number()
    .nonnegative()
    .default(0.5)
    .describe('Extra measurement uncertainty added to every hypothesis (plate calibration)'),
  keep: z.number().int().positive().default(6).describe('Hypotheses kept in the posterior'),
});
export type InferenceConfig = z.infer<typeof InferenceConfig>;
