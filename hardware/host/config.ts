import { z } from 'zod';
import { DoorConfig, ScannerConfig } from '../gates/config.ts';
import { ShelfControllerConfig } from '../shelf/config.ts';

/**
 * The store clock of an accelerated simulation: store time = originMs + (Date.now() − wallMs) × speed.
 * A real store leaves it out (store time is the wall clock). The simulator writes it so that drivers
 * in another process stamp readings on the same clock as the simulated cameras.
 */
export const StoreClockConfig = z.strictObject({
  originMs: z.number().finite().nonnegative().describe('Store time at wall time wallMs'),
  wallMs: z
    .number()
    .finite()
    .nonnegative()
    .describe('Wall time (Date.now()) at which store time is originMs'),
  speed: z.number().positive().max(1000).describe('Store milliseconds per wall millisecond'),
});
export type StoreClockConfig = z.infer<typeof StoreClockConfig>;

/** Every device driver of one edge box, hosted in one `walkout devices` process. Unknown keys are errors. */
export const DevicesConfig = z.strictObject({
  clock: StoreClockConfig.optional(),
  statusEveryMs: z
    .number()
    .int()
    .min(0)
    .default(10_000)
    .describe(
      "Re-publish every device's device.status this often (0: only on changes), so a subscriber that joined late or lost the first messages still learns it",
    ),
  shelves: z.array(ShelfControllerConfig).default([]).describe('Shelf controllers (docs/shelf-protocol.md)'),
  scanners: z.array(ScannerConfig).default([]).describe('Entry QR scanners (docs/gate-protocol.md)'),
  doors: z.array(DoorConfig).default([]).describe('Door/turnstile controllers (docs/gate-protocol.md)'),
});
export type DevicesConfig = z.infer<typeof DevicesConfig>;
export type DevicesConfigInput = z.input<typeof DevicesConfig>;

export function storeClock(c: StoreClockConfig | undefined): () => number {
  if (!c) return Date.now;
  return () => c.originMs + (Date.now() - c.wallMs) * c.speed;
}
