import { z } from 'zod';

const sku = z.string().min(1);

export const Promotion = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('multi-buy'),
    id: z.string().min(1),
    label: z.string().min(1).describe('Shown on the receipt, e.g. "3 for 2"'),
    skus: z.array(sku).min(1),
    buy: z.number().int().min(2).describe('Group size'),
    pay: z.number().int().min(1).describe('Units paid per group'),
  }),
  z.strictObject({
    kind: z.literal('percent-off'),
    id: z.string().min(1),
    label: z.string().min(1),
    skus: z.array(sku).min(1),
    percent: z.number().gt(0).max(100),
  }),
  z.strictObject({
    kind: z.literal('bundle'),
    id: z.string().min(1),
    label: z.string().min(1),
    skus: z.array(sku).min(2).describe('One unit of each forms a bundle'),
    priceMinor: z.number().int().nonnegative(),
  }),
]);
export type Promotion = z.infer<typeof Promotion>;

export const Coupon = z.strictObject({
  code: z.string().min(1),
  label: z.string().min(1),
  percent: z.number().gt(0).max(100).optional(),
  amountMinor: z.number().int().positive().optional(),
  sku: sku.optional().describe('Limits the coupon to one product'),
});
export type Coupon = z.infer<typeof Coupon>;

export const PricingConfig = z.strictObject({
  taxMode: z
    .enum(['inclusive', 'exclusive'])
    .default('inclusive')
    .describe('Whether catalog prices include tax'),
  taxRates: z
    .record(z.string(), z.number().min(0).max(1))
    .default({ standard: 0.19, food: 0.07, beverage: 0.19, alcohol: 0.19, household: 0.19 })
    .describe('Tax rate per product tax class'),
  promotions: z.array(Promotion).default([]),
  loyalty: z
    .strictObject({
      pointsPerMajorUnit: z
        .number()
        .int()
        .nonnegative()
        .default(1)
        .describe('Points earned per whole currency unit paid'),
      minorPerPoint: z.number().int().nonnegative().default(1).describe('Value of one point when redeemed'),
    })
    .default({ pointsPerMajorUnit: 1, minorPerPoint: 1 }),
});
export type PricingConfig = z.infer<typeof PricingConfig>;
