import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceStatus, GatePassage, GateScan } from '../../core/messages.ts';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { DoorFirmware } from '../../simulator/devices/door-firmware.ts';
import { ScannerEmulator } from '../../simulator/devices/scanner-emulator.ts';
import { SocatPtyPair } from '../../simulator/devices/socat-pty.ts';
import { privateEndpoints } from '../fixtures/ports.ts';
import { waitFor } from './gate-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-gate-proc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('walkout gate as its own process', () => {
  it('publishes scans and passages over the zeromq bus and executes gate.command opens', async () => {
    const endpoints = privateEndpoints(dir);
    const proxy = await startBusProxy(endpoints);
    const bus = await ZmqBus.connect(endpoints);
    const scans: GateScan[] = [];
    const passages: GatePassage[] = [];
    const statuses: DeviceStatus[] = [];
    bus.subscribe('gate.scan', (m) => scans.push(m));
    bus.subscribe('gate.passage', (m) => passages.push(m));
    bus.subscribe('device.status', (m) => statuses.push(m));
    const scannerPair = new SocatPtyPair(join(dir, 'sc-host'), join(dir, 'sc-dev'));
    const doorPair = new SocatPtyPair(join(dir, 'door-host'), join(dir, 'door-dev'));
    await scannerPair.plug();
    await doorPair.plug();
    const scanner = new ScannerEmulator({ path: scannerPair.devicePath, suffix: '\r\n' });
    const door = new DoorFirmware({ gateId: 'gate-in', path: doorPair.devicePath, heartbeatMs: 250 });
    await scanner.attach();
    await door.attach();
    let child: ChildProcess | undefined;
    try {
      // biome-ignore format: one flag per line pair reads better
      child = spawn(process.execPath, [
        'bin/walkout.mjs', 'gate', '--store', 'demo', '--gate', 'gate-in',
        '--scanner', scannerPair.hostPath, '--door', doorPair.hostPath,
        '--bus-publish', endpoints.publish, '--bus-subscribe', endpoints.subscribe,
      ], { stdio: 'ignore', env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' } });
      // A message the child publishes before its bus has joined the proxy is lost (zeromq slow
      // joiner), so no waiting on its first status: pass people through until passages arrive.
      let sent = 0;
      await waitFor(
        () => {
          if (sent++ % 20 === 0) door.passage('in');
          return passages.length > 0;
        },
        'a passage on the bus',
        20_000,
      );
      await scanner.scan('tok_process1', { repeats: 3, gapMs: 30 });
      await waitFor(() => scans.length === 1, 'the scan on the bus');
      expect(scans[0]).toMatchObject({ gateId: 'gate-in', token: 'tok_process1' });
      expect(passages[0]).toMatchObject({ gateId: 'gate-in', direction: 'in' });
      // The bus subscription reaches the proxy asynchronously: repeat the command until it lands.
      await waitFor(
        () => {
          if (door.opens === 0)
            bus.publish('gate.command', { gateId: 'gate-in', t: Date.now(), action: 'open' });
          return door.opens >= 1;
        },
        'open command executed',
        10_000,
      );
      await waitFor(
        () => statuses.some((s) => s.deviceId === 'gate-in' && s.detail === 'door open'),
        'door open',
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(scans).toHaveLength(1); // the re-reads were one scan
    } finally {
      child?.kill('SIGTERM');
      if (child && child.exitCode === null) await once(child, 'exit');
      await scanner.detach();
      await door.detach();
      await scannerPair.unplug();
      await doorPair.unplug();
      await bus.close();
      await proxy.close();
    }
  }, 40_000);

  it('rejects an unknown gate and a missing device with exit code 2, naming the option', () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, ['bin/walkout.mjs', ...args], {
        encoding: 'utf8',
        env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
      });
    const unknown = run(['gate', '--store', 'demo', '--gate', 'back-door', '--door', '/dev/null']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/--gate: "back-door" is not a gate of demo \(gate-in, gate-out\)/);
    const none = run(['gate', '--store', 'demo', '--gate', 'gate-in']);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--scanner or --door: required/);
    const mode = run(['sim', '--live', '--devices', 'usb']);
    expect(mode.status).toBe(2);
    expect(mode.stderr).toMatch(/--devices: "usb" is not bus or pty/);
  }, 30_000);
});
