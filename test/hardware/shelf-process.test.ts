import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ShelfSamples } from '../../core/messages.ts';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { ShelfFirmware } from '../../simulator/devices/shelf-firmware.ts';
import { SocatPtyPair } from '../../simulator/devices/socat-pty.ts';
import { privateEndpoints } from '../fixtures/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-shelf-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('walkout shelf as its own process', () => {
  it('drives an emulated controller on a pty and publishes validated samples over the zeromq bus', async () => {
    const endpoints = privateEndpoints(dir);
    const proxy = await startBusProxy(endpoints);
    const bus = await ZmqBus.connect(endpoints);
    const got: ShelfSamples[] = [];
    bus.subscribe('shelf.samples', (m) => got.push(m));
    const pair = new SocatPtyPair(join(dir, 'host'), join(dir, 'device'));
    await pair.plug();
    const fw = new ShelfFirmware({ controllerId: 'sc-01', path: pair.devicePath, channels: 16 });
    fw.grams[2] = 700;
    await fw.attach();
    let child: ChildProcess | undefined;
    try {
      child = spawn(
        process.execPath,
        [
          'bin/walkout.mjs',
          'shelf',
          '--store',
          'demo',
          '--controller',
          'sc-01',
          '--port',
          pair.hostPath,
          '--calibration',
          join(dir, 'cal.db'),
          '--bus-publish',
          endpoints.publish,
          '--bus-subscribe',
          endpoints.subscribe,
        ],
        { stdio: 'ignore', env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' } },
      );
      const end = Date.now() + 20_000;
      while (got.filter((m) => m.plateId === 'g1.s1.p3').length < 5 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 50));
      const p3 = got.filter((m) => m.plateId === 'g1.s1.p3');
      expect(p3.length).toBeGreaterThanOrEqual(5);
      // Uncalibrated channels use the default scale, which the emulator also uses: 700 g comes back.
      for (const m of p3) for (const g of m.grams) expect(g).toBeCloseTo(700, 0);
      expect(got.some((m) => m.plateId === 'g1.s1.p1')).toBe(true);
    } finally {
      child?.kill('SIGTERM');
      if (child && child.exitCode === null) await once(child, 'exit');
      await fw.detach();
      await pair.unplug();
      await bus.close();
      await proxy.close();
    }
  }, 40_000);
});
