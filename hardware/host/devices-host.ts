import { readFileSync } from 'node:fs';
import { ConfigError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import { parseOrThrow } from '../../core/validate.ts';
import type { Bus } from '../../edge/bus/index.ts';
import {
  createDoorController,
  createScanner,
  type DoorController,
  type EntryScanner,
} from '../gates/index.ts';
import { type CalibrationStore, createShelfController, type ShelfController } from '../shelf/index.ts';
import { DevicesConfig, type DevicesConfigInput, storeClock } from './config.ts';

const log = createLogger('hardware.host');

export interface DevicesHost {
  readonly shelves: ShelfController[];
  readonly scanners: EntryScanner[];
  readonly doors: DoorController[];
  /** Resolves once every driver has its port open. */
  waitConnected(): Promise<void>;
  /** Device id → its driver's counters. */
  metrics(): Record<string, object>;
  close(): Promise<void>;
}

export function readDevicesConfig(path: string): DevicesConfig {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(path, [`(file): cannot read devices config: ${(err as Error).message}`]);
  }
  return parseOrThrow(DevicesConfig, doc, path, ConfigError);
}

/**
 * Starts every driver of one box in this process: one event loop serves all ports, which costs far
 * less than a process per controller (the demo store has 20 controllers and 2 gates). Ports missing
 * now are retried in the background; ids unknown to the store are config errors.
 */
export function startDevicesHost(o: {
  store: StoreModel;
  config: DevicesConfigInput;
  calibration: CalibrationStore;
  bus: Bus;
}): DevicesHost {
  const cfg = parseOrThrow(DevicesConfig, o.config, 'devices config', ConfigError);
  const controllers = new Set([...o.store.plates.values()].map((p) => p.plate.controller.id));
  const gates = new Set(o.store.config.gates.map((g) => g.id));
  const issues: string[] = [];
  cfg.shelves.forEach((s, i) => {
    if (!controllers.has(s.controllerId))
      issues.push(`shelves[${i}].controllerId: "${s.controllerId}" reads no plate of ${o.store.id}`);
  });
  for (const [key, list] of [['scanners', cfg.scanners] as const, ['doors', cfg.doors] as const])
    list.forEach((d, i) => {
      if (!gates.has(d.gateId))
        issues.push(`${key}[${i}].gateId: "${d.gateId}" is not a gate of ${o.store.id}`);
    });
  if (issues.length > 0) throw new ConfigError('devices config', issues);
  const now = storeClock(cfg.clock);
  const shelves = cfg.shelves.map((s) =>
    createShelfController(s, { store: o.store, calibration: o.calibration, sink: o.bus, now }),
  );
  const scanners = cfg.scanners.map((s) => createScanner(s, { sink: o.bus, now }));
  const doors = cfg.doors.map((d) => createDoorController(d, { sink: o.bus, commands: o.bus, now }));
  for (const d of [...shelves, ...scanners, ...doors])
    d.start().catch((err: unknown) => log.error({ err }, 'driver start failed'));
  // Repeated, because a status published while the bus was still joining may never have arrived.
  const announce = (): void => {
    const t = now();
    const say = (deviceId: string, kind: 'shelf-controller' | 'gate', status: 'up' | 'degraded' | 'down') =>
      o.bus.publish('device.status', { deviceId, kind, t, status });
    for (const s of shelves) say(s.controllerId, 'shelf-controller', s.connected ? 'up' : 'down');
    for (const s of scanners) say(`${s.gateId}.scanner`, 'gate', s.connected ? 'up' : 'down');
    for (const d of doors) say(d.gateId, 'gate', d.health);
  };
  const timer = cfg.statusEveryMs > 0 ? setInterval(announce, cfg.statusEveryMs) : undefined;
  log.info(
    { shelves: shelves.length, scanners: scanners.length, doors: doors.length },
    'device drivers started',
  );
  return {
    shelves,
    scanners,
    doors,
    async waitConnected() {
      await Promise.all([...shelves, ...scanners, ...doors].map((d) => d.waitConnected()));
    },
    metrics() {
      const out: Record<string, object> = {};
      for (const s of shelves) out[s.controllerId] = s.metrics;
      for (const s of scanners) out[`${s.gateId}.scanner`] = s.metrics;
      for (const d of doors) out[d.gateId] = d.metrics;
      return out;
    },
    async close() {
      if (timer) clearInterval(timer);
      await Promise.all([...shelves, ...scanners, ...doors].map((d) => d.close()));
    },
  };
}
