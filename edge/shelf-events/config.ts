import { z } from 'zod';

/**
 * Shelf-event detection parameters. None is tuned to a store: noise is estimated online per plate and
 * significance is judged in multiples of that estimate; the only absolute numbers are physical floors
 * (ADC resolution) and timings of a human hand.
 */
export const ShelfEventConfig = z.strictObject({
  reorderMs: z
    .number()
    .nonnegative()
    .default(400)
    .describe(
      'Samples are processed once the plate sent data this much newer, so swapped batches are reordered',
    ),
  lateDropMs: z
    .number()
    .positive()
    .default(10_000)
    .describe('A batch this far behind the plate clock is a timestamp jump backwards and is dropped'),
  silentMs: z
    .number()
    .positive()
    .default(3000)
    .describe('A plate with no samples for this long (store clock) is faulted'),
  initialNoiseGrams: z
    .number()
    .positive()
    .default(1)
    .describe('Noise assumed until the online estimate has enough samples'),
  minNoiseGrams: z.number().positive().default(0.05).describe('Noise floor (ADC resolution)'),
  noiseTauMs: z.number().positive().default(20_000).describe('Time constant of the online noise estimate'),
  driftTauMs: z
    .number()
    .positive()
    .default(2500)
    .describe('Time constant with which a stable plate follows slow drift (temperature, creep)'),
  triggerSigmas: z
    .number()
    .positive()
    .default(5)
    .describe('A short mean this many standard errors off the baseline starts an interaction'),
  triggerWindowMs: z.number().positive().default(200).describe('Length of that short mean'),
  spikeSigmas: z
    .number()
    .positive()
    .default(9)
    .describe('A single sample this far off starts an interaction'),
  settleMs: z
    .number()
    .positive()
    .default(500)
    .describe('A plate is settled again when the samples of this window are as quiet as its noise'),
  settleSigmas: z
    .number()
    .positive()
    .default(1.6)
    .describe(
      'Settled: window standard deviation, and the difference of its halves in standard errors, below this',
    ),
  significanceSigmas: z
    .number()
    .positive()
    .default(4.5)
    .describe('A plate change smaller than this many standard errors is a transient (vibration)'),
  sharedSigmas: z
    .number()
    .positive()
    .default(2.5)
    .describe(
      'A plate changing together with a clearly changed neighbour counts from this many standard errors',
    ),
  minChangeGrams: z
    .number()
    .nonnegative()
    .default(1.5)
    .describe('Absolute floor for a plate change (below any product weight)'),
  mergeGapMs: z
    .number()
    .nonnegative()
    .default(400)
    .describe('Changes on adjacent plates whose activity overlaps within this gap belong to one interaction'),
  holdMs: z
    .number()
    .nonnegative()
    .default(600)
    .describe('After a change settles, its level keeps averaging this long before the event is emitted'),
  maxActiveMs: z
    .number()
    .positive()
    .default(30_000)
    .describe('A plate never settling for this long is re-baselined and reported as a fault'),
  frozenMs: z
    .number()
    .nonnegative()
    .default(5000)
    .describe(
      'A plate whose readings stay exactly the same for this long is stuck (a load cell always shows some noise) and reported as a fault; 0 disables',
    ),
});
export type ShelfEventConfig = z.infer<typeof ShelfEventConfig>;
