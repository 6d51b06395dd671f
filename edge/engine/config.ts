import { z } from 'zod';
import { CartConfig } from '../carts/config.ts';
import { InferenceConfig } from '../item-inference/config.ts';
import { ShelfEventConfig } from '../shelf-events/config.ts';

export const EngineConfig = z.strictObject({
  shelf: ShelfEventConfig.default(ShelfEventConfig.parse({})).describe('Shelf-event detection'),
  inference: InferenceConfig.default(InferenceConfig.parse({})).describe('Item inference'),
  carts: CartConfig.default(CartConfig.parse({})).describe('Cart decisions and the review threshold'),
  finaliseDelayMs: z
    .number()
    .nonnegative()
    .default(1500)
    .describe('A cart finalises no earlier than this after its session exited'),
  maxFinaliseWaitMs: z
    .number()
    .positive()
    .default(30_000)
    .describe('Longest wait for interactions that began before the exit to settle'),
  stepMs: z
    .number()
    .positive()
    .max(1000)
    .default(50)
    .describe('Store-clock cadence at which plates, the tracker and finalisation advance'),
  checkpointEveryMs: z
    .number()
    .positive()
    .default(10_000)
    .describe('Store-clock interval between snapshots in the event store'),
  rangeFactor: z
    .number()
    .positive()
    .default(1.5)
    .describe('Readings beyond ± this × plate capacity are invalid'),
});
export type EngineConfig = z.infer<typeof EngineConfig>;
export type EngineConfigInput = z.input<typeof EngineConfig>;
