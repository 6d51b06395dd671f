import { ConfigError } from '../../core/errors.ts';
import { parseOrThrow } from '../../core/validate.ts';
import type { Bus } from '../../edge/bus/index.ts';
import {
  DoorConfig,
  ScannerConfig,
  type SerialDoorConfigInput,
  type SerialScannerConfigInput,
} from './config.ts';
import type { DoorState } from './door-protocol.ts';
import { SerialDoorDriver } from './serial-door.ts';
import { SerialScannerDriver } from './serial-scanner.ts';

/** Where gate drivers publish `gate.scan` / `gate.passage` / `device.status`. */
export type GateSink = Pick<Bus, 'publish'>;
/** Where a door driver hears `gate.command`. */
export type GateCommandSource = Pick<Bus, 'subscribe'>;

/** Plain counters per scanner; all monotonically increasing. */
export interface ScannerMetrics {
  /** Well-formed lines read. */
  lines: number;
  /** `gate.scan` messages published. */
  scans: number;
  /** Re-reads of a code inside the dedupe window. */
  duplicates: number;
  /** Printable lines that are not an entry token (noise fragments, foreign barcodes). */
  rejected: number;
  nonPrintable: number;
  overlong: number;
  partial: number;
  reconnects: number;
}

export interface EntryScanner {
  readonly gateId: string;
  readonly metrics: ScannerMetrics;
  readonly connected: boolean;
  /** Opens the port, retrying with backoff until it appears. */
  start(): Promise<void>;
  waitConnected(): Promise<void>;
  close(): Promise<void>;
}

export interface DoorMetrics {
  lines: number;
  sentences: number;
  badChecksums: number;
  malformed: number;
  nonPrintable: number;
  overlong: number;
  partial: number;
  /** Sequence-number gaps, and the sentences lost in them. */
  gaps: number;
  lostLines: number;
  passages: number;
  /** Passages the controller's heartbeat totals counted that never arrived as sentences. */
  missedPassages: number;
  foreignHeartbeats: number;
  heartbeatTimeouts: number;
  commandsOk: number;
  commandsFailed: number;
  commandTimeouts: number;
  reconnects: number;
}

export interface DoorStatus {
  door: DoorState;
  passIn: number;
  passOut: number;
}

export interface DoorController {
  readonly gateId: string;
  readonly metrics: DoorMetrics;
  readonly connected: boolean;
  /** Last reported door state; 'unknown' while disconnected. */
  readonly door: DoorState | 'unknown';
  /** What `device.status` last said: down while disconnected, degraded without heartbeats or with the door forced/held. */
  readonly health: 'up' | 'degraded' | 'down';
  start(): Promise<void>;
  waitConnected(): Promise<void>;
  open(ref?: string): Promise<void>;
  status(): Promise<DoorStatus>;
  close(): Promise<void>;
}

/** Factory keyed by config `type`. */
export function createScanner(
  config: SerialScannerConfigInput,
  deps: { sink: GateSink; now?: () => number },
): EntryScanner {
  const cfg = parseOrThrow(ScannerConfig, config, 'scanner config', ConfigError);
  switch (cfg.type) {
    case 'serial':
      return new SerialScannerDriver(cfg, deps.sink, deps.now);
  }
}

/** Factory keyed by config `type`; with `commands`, the driver executes `gate.command` for its gate. */
export function createDoorController(
  config: SerialDoorConfigInput,
  deps: { sink: GateSink; commands?: GateCommandSource; now?: () => number },
): DoorController {
  const cfg = parseOrThrow(DoorConfig, config, 'door controller config', ConfigError);
  switch (cfg.type) {
    case 'serial':
      return new SerialDoorDriver(cfg, deps.sink, deps.commands, deps.now);
  }
}

export { DoorConfig, ScannerConfig, SerialDoorConfig, SerialScannerConfig } from './config.ts';
export * from './door-protocol.ts';
export * from './errors.ts';
export { LineParser } from './line-parser.ts';
