import { ConfigError } from '../../core/errors.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import { parseOrThrow } from '../../core/validate.ts';
import type { Bus } from '../../edge/bus/index.ts';
import type { CalibrationStore, ChannelCalibration } from './calibration-store.ts';
import { type SerialShelfConfigInput, ShelfControllerConfig } from './config.ts';
import type { Health, Identity } from './protocol.ts';
import { SerialShelfDriver } from './serial-shelf-driver.ts';

/** Where a driver sends `shelf.samples` / `device.status`: an edge Bus, or any object with publish. */
export type ShelfSink = Pick<Bus, 'publish'>;

/** Plain counters per controller; all monotonically increasing. */
export interface ShelfMetrics {
  /** Valid sample frames from this controller. */
  frames: number;
  crcErrors: number;
  /** Blocks with broken COBS stuffing or payload layout (line noise, dropped bytes, partial frames). */
  malformed: number;
  /** Sequence-number gaps, and the frames lost in them. */
  gaps: number;
  lostFrames: number;
  reconnects: number;
  clockJumps: number;
  commandTimeouts: number;
  /** Frames carrying another controller's id (miswired port). */
  foreignFrames: number;
}

/** A shelf controller as the edge sees it. */
export interface ShelfController {
  readonly controllerId: string;
  readonly metrics: ShelfMetrics;
  readonly connected: boolean;
  /** Opens the port, retrying with backoff until it appears. */
  start(): Promise<void>;
  waitConnected(): Promise<void>;
  identify(): Promise<Identity>;
  health(): Promise<Health>;
  setRate(hz: number): Promise<number>;
  tare(channels?: number[]): Promise<Map<number, ChannelCalibration>>;
  calibrate(channel: number, knownGrams: number): Promise<ChannelCalibration>;
  close(): Promise<void>;
}

/** Factory keyed by config `type`. */
export function createShelfController(
  config: SerialShelfConfigInput,
  deps: { store: StoreModel; calibration: CalibrationStore; sink: ShelfSink; now?: () => number },
): ShelfController {
  const cfg = parseOrThrow(ShelfControllerConfig, config, 'shelf controller config', ConfigError);
  switch (cfg.type) {
    case 'serial':
      return new SerialShelfDriver(cfg, deps.store, deps.calibration, deps.sink, deps.now);
  }
}

export { CalibrationStore, type ChannelCalibration } from './calibration-store.ts';
export { ClockMap } from './clock-map.ts';
export { SerialShelfConfig, ShelfControllerConfig } from './config.ts';
export * from './errors.ts';
export { ShelfFrameParser } from './frame-parser.ts';
export type { Health, Identity } from './protocol.ts';
