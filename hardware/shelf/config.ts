import { z } from 'zod';

/** One shelf controller on a serial port. Unknown keys are errors. */
export const SerialShelfConfig = z.strictObject({
  type: z.literal('serial').describe('Driver kind; the factory is keyed by it'),
  controllerId: z
    .string()
    .min(1)
    .max(32)
    .describe('Controller id as in the store file (plate.controller.id)'),
  path: z.string().min(1).describe('Serial device, e.g. /dev/ttyUSB0 or a socat pty link'),
  baudRate: z.number().int().positive().default(115200).describe('Line speed'),
  rateHz: z.number().int().min(1).max(60).default(60).describe('Sample rate set on every (re)connect'),
  batchSize: z.number().int().min(1).max(1024).default(12).describe('Samples per shelf.samples message'),
  commandTimeoutMs: z.number().int().positive().default(1000).describe('Reply timeout of a command'),
  averageSamples: z.number().int().min(1).max(255).default(16).describe('Samples averaged by tare/calibrate'),
  defaultCountsPerGram: z
    .number()
    .positive()
    .default(420)
    .describe('Scale used for channels never calibrated (HX711, gain 128, 5 kg / 1 mV/V cell)'),
  reconnect: z
    .strictObject({
      initialMs: z.number().int().positive().default(100).describe('First retry delay'),
      maxMs: z.number().int().positive().default(2000).describe('Retry delay cap (doubling backoff)'),
    })
    .default({ initialMs: 100, maxMs: 2000 })
    .describe('Backoff while the port is missing'),
});
export type SerialShelfConfig = z.infer<typeof SerialShelfConfig>;
export type SerialShelfConfigInput = z.input<typeof SerialShelfConfig>;

export const ShelfControllerConfig = z.discriminatedUnion('type', [SerialShelfConfig]);
export type ShelfControllerConfig = z.infer<typeof ShelfControllerConfig>;
