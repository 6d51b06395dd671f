import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { InProcessBus } from '../../edge/bus/index.ts';
import { startLiveEngine } from '../../edge/engine/run-live.ts';
import { createTracker } from '../../edge/tracking/create-tracker.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-worker-clock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the live fusion core and supervisor reports', () => {
  it('ignores device.status of kind worker: wall-clock reports do not move a simulated store clock', async () => {
    const bus = new InProcessBus();
    const live = startLiveEngine({
      store: loadStore('demo'),
      bus,
      db: join(dir, 'edge.db'),
      tickMs: 60_000,
      createTracker: (s, l) => createTracker(s, l),
    });
    const simT = Date.UTC(2026, 0, 5, 9, 0, 0);
    bus.publish('camera.poses', { cameraId: 'cam1', frame: 0, t: simT, persons: [] });
    bus.publish('device.status', { deviceId: 'box/fusion', kind: 'worker', t: simT + 3e10, status: 'up' });
    expect(live.engine.clock).toBe(simT);
    // A sensor's status is still an input.
    bus.publish('device.status', { deviceId: 'cam1', kind: 'camera', t: simT + 1000, status: 'up' });
    expect(live.engine.clock).toBe(simT + 1000);
    await live.stop();
  });
});
