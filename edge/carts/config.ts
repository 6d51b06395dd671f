import { z } from 'zod';

export const CartConfig = z.strictObject({
  reviewThreshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.9)
    .describe('A cart whose confidence is below this goes to review instead of being charged'),
  minHypothesisProb: z
    .number()
    .min(0)
    .max(1)
    .default(0.95)
    .describe('An event whose best item hypothesis is less likely is sent to review'),
  minAssociationProb: z
    .number()
    .min(0)
    .max(1)
    .default(0.95)
    .describe('An event whose best shopper is less likely is sent to review'),
  otherCandidateProb: z
    .number()
    .min(0)
    .max(1)
    .default(0.01)
    .describe(
      'Runner-up sessions at least this likely get the unsure event as a review reason (0.05 let carts be charged without an item the reviewed event gave to a neighbour 3-4 % likely)',
    ),
});
export type CartConfig = z.infer<typeof CartConfig>;
