import { z } from 'zod';

const reconnect = z
  .strictObject({
    initialMs: z.number().int().positive().default(100).describe('First retry delay'),
    maxMs: z.number().int().positive().default(2000).describe('Retry delay cap (doubling backoff)'),
  })
  .default({ initialMs: 100, maxMs: 2000 })
  .describe('Backoff while the port is missing');

const gateId = z.string().min(1).max(64).describe('Gate id as in the store file (gates[].id)');
const path = z.string().min(1).describe('Serial device, e.g. /dev/ttyACM0 or a socat pty link');

/** A serial QR/barcode scanner that "types" each code as one line. Unknown keys are errors. */
export const SerialScannerConfig = z.strictObject({
  type: z.literal('serial').describe('Driver kind; the factory is keyed by it'),
  gateId,
  path,
  baudRate: z.number().int().positive().default(9600).describe('Line speed (scanners ship at 9600)'),
  maxLineLength: z.number().int().min(8).max(2048).default(512).describe('Longer lines are dropped'),
  lineTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(250)
    .describe('An unterminated line start older than this is a fragment and dropped'),
  dedupeMs: z
    .number()
    .int()
    .nonnegative()
    .default(2000)
    .describe('The same code read again within this window is one scan (scanners re-read)'),
  tokenPattern: z
    .string()
    .default('^[A-Za-z0-9_.~+/=:-]{8,2048}$')
    .describe('Lines not matching are rejected (line noise between terminators, foreign barcodes)'),
  reconnect,
});
export type SerialScannerConfig = z.infer<typeof SerialScannerConfig>;
export type SerialScannerConfigInput = z.input<typeof SerialScannerConfig>;
export const ScannerConfig = z.discriminatedUnion('type', [SerialScannerConfig]);
export type ScannerConfig = z.infer<typeof ScannerConfig>;

/** A door/turnstile controller speaking docs/gate-protocol.md. Unknown keys are errors. */
export const SerialDoorConfig = z.strictObject({
  type: z.literal('serial').describe('Driver kind; the factory is keyed by it'),
  gateId,
  path,
  baudRate: z.number().int().positive().default(115200).describe('Line speed'),
  commandTimeoutMs: z.number().int().positive().default(1000).describe('Reply timeout of a command'),
  openHoldMs: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5000)
    .describe('How long an open command unlocks'),
  lineTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(100)
    .describe('A sentence takes ~10 ms at 115200 baud; a start older than this is a fragment'),
  heartbeatTimeoutMs: z
    .number()
    .int()
    .positive()
    .default(3500)
    .describe('No sentence for this long marks the gate degraded (heartbeats come every second)'),
  reconnect,
});
export type SerialDoorConfig = z.infer<typeof SerialDoorConfig>;
export type SerialDoorConfigInput = z.input<typeof SerialDoorConfig>;
export const DoorConfig = z.discriminatedUnion('type', [SerialDoorConfig]);
export type DoorConfig = z.infer<typeof DoorConfig>;
