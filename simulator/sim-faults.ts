import type { InputTopic, TopicMap } from '../core/messages.ts';
import type { StoreModel } from '../core/store/store-model.ts';
import type { CameraSensors } from './cameras.ts';
import type { PlateSensor } from './load-cells.ts';
import type { Rng } from './rng.ts';

/** Queues a sensor message `at` ms after the simulation's start. */
export type Emit = <T extends InputTopic>(at: number, topic: T, msg: TopicMap[T]) => unknown;

/**
 * Faults: a stuck, a silent and an offset plate; cameras dropping out. Arms the plate faults, queues
 * the device-status messages that report them, and returns each downed camera's outage windows.
 */
export function injectFaults(
  store: StoreModel,
  plates: Map<string, PlateSensor>,
  cameras: CameraSensors,
  rng: Rng,
  opts: { durationMs: number },
  start: number,
  emit: Emit,
): Map<string, Array<[number, number]>> {
  const cameraDown = new Map<string, Array<[number, number]>>();
  const ids = [...plates.keys()];
  const pick = () => rng.pick(ids);
  const d = opts.durationMs;
  const silent = pick();
  plates.get(pick())?.faults.push({ kind: 'stuck', from: d * 0.2, to: d * 0.6 });
  plates.get(silent)?.faults.push({ kind: 'silent', from: d * 0.3, to: d * 0.3 + 120_000 });
  plates
    .get(pick())
    ?.faults.push({ kind: 'offset', from: d * 0.5, to: Number.POSITIVE_INFINITY, offset: 35 });
  const ctrl = store.plate(silent)?.plate.controller;
  if (ctrl) {
    emit(d * 0.3 + 1000, 'device.status', {
      deviceId: ctrl.id,
      kind: 'shelf-controller',
      t: start + Math.round(d * 0.3 + 1000),
      status: 'degraded',
      detail: `channel ${ctrl.channel} (${silent}) silent`,
    });
    emit(d * 0.3 + 120_000, 'device.status', {
      deviceId: ctrl.id,
      kind: 'shelf-controller',
      t: start + Math.round(d * 0.3 + 120_000),
      status: 'up',
    });
  }
  for (const cam of cameras.cameras.slice(0, 2)) {
    const from = rng.range(0.1, 0.7) * d;
    const to = from + rng.range(60_000, 120_000);
    cameraDown.set(cam.id, [[from, to]]);
    emit(from + 2000, 'device.status', {
      deviceId: cam.id,
      kind: 'camera',
      t: start + Math.round(from + 2000),
      status: 'down',
      detail: 'no frames',
    });
    emit(to, 'device.status', {
      deviceId: cam.id,
      kind: 'camera',
      t: start + Math.round(to),
      status: 'up',
    });
  }
  return cameraDown;
}
