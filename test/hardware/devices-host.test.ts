import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { DeviceStatus, GatePassage, ShelfSamples } from '../../core/messages.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { InProcessBus } from '../../edge/bus/index.ts';
import { readDevicesConfig, startDevicesHost } from '../../hardware/host/devices-host.ts';
import { CalibrationStore } from '../../hardware/shelf/index.ts';
import { DoorFirmware } from '../../simulator/devices/door-firmware.ts';
import { ShelfFirmware } from '../../simulator/devices/shelf-firmware.ts';
import { SocatPtyPair } from '../../simulator/devices/socat-pty.ts';
import { waitFor } from './gate-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-devices-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configError(doc: unknown): string {
  const path = join(dir, `cfg-${Math.random()}.json`);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  try {
    readDevicesConfig(path);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  return '';
}

describe('walkout devices config', () => {
  it('rejects unknown keys, bad values and unreadable files, naming the field', () => {
    expect(
      configError({ shelves: [{ type: 'serial', controllerId: 'sc-01', path: '/x', rate: 5 }] }),
    ).toMatch(/shelves\[0\]/);
    expect(configError({ doors: [{ type: 'usb', gateId: 'gate-in', path: '/x' }] })).toMatch(
      /doors\[0\]\.type/,
    );
    expect(configError({ clock: { originMs: 0, wallMs: 0, speed: 0 } })).toMatch(/clock\.speed/);
    expect(configError({ cameras: [] })).toMatch(/cameras/);
    expect(configError('{not json')).toMatch(/cannot read devices config/);
  });

  it('rejects controller and gate ids the store does not have', () => {
    const store = loadStore('demo');
    const calibration = new CalibrationStore(join(dir, 'cal0.db'));
    const bus = new InProcessBus();
    expect(() =>
      startDevicesHost({
        store,
        calibration,
        bus,
        config: {
          shelves: [{ type: 'serial', controllerId: 'sc-99', path: '/x' }],
          doors: [{ type: 'serial', gateId: 'back-door', path: '/y' }],
        },
      }),
    ).toThrow(/sc-99.*[\s\S]*back-door/);
    calibration.close();
  });
});

describe('walkout devices host', () => {
  it('runs shelf and door drivers in one process, stamping on an accelerated store clock and re-announcing health', async () => {
    const store = loadStore('demo');
    const calibration = new CalibrationStore(join(dir, 'cal1.db'));
    const bus = new InProcessBus();
    const samples: ShelfSamples[] = [];
    const passages: GatePassage[] = [];
    const statuses: DeviceStatus[] = [];
    bus.subscribe('device.status', (m) => statuses.push(m));
    bus.subscribe('shelf.samples', (m) => samples.push(m));
    bus.subscribe('gate.passage', (m) => passages.push(m));
    const shelfPair = new SocatPtyPair(join(dir, 'sc-host'), join(dir, 'sc-dev'));
    const doorPair = new SocatPtyPair(join(dir, 'door-host'), join(dir, 'door-dev'));
    await shelfPair.plug();
    await doorPair.plug();
    const fw = new ShelfFirmware({ controllerId: 'sc-02', path: shelfPair.devicePath, channels: 10 });
    fw.grams[4] = 321;
    const door = new DoorFirmware({ gateId: 'gate-out', path: doorPair.devicePath });
    await fw.attach();
    await door.attach();
    const clock = { originMs: 1_700_000_000_000, wallMs: Date.now(), speed: 5 };
    const storeNow = () => clock.originMs + (Date.now() - clock.wallMs) * clock.speed;
    const host = startDevicesHost({
      store,
      calibration,
      bus,
      config: {
        clock,
        statusEveryMs: 200,
        shelves: [{ type: 'serial', controllerId: 'sc-02', path: shelfPair.hostPath }],
        doors: [{ type: 'serial', gateId: 'gate-out', path: doorPair.hostPath }],
      },
    });
    try {
      const plate = store.plateByChannel.get('sc-02#4') as string;
      await waitFor(
        () => samples.filter((m) => m.plateId === plate).length >= 3,
        'samples of sc-02#4',
        10_000,
      );
      await waitFor(() => (host.doors[0]?.connected ?? false) && host.doors[0]?.door === 'closed', 'door up');
      door.passage('out');
      await waitFor(() => passages.length === 1, 'passage');
      const last = samples.filter((m) => m.plateId === plate).at(-1) as ShelfSamples;
      for (const g of last.grams) expect(g).toBeCloseTo(321, 1);
      // Times are on the store clock (speed 5 from originMs), not the wall clock.
      const lag = storeNow() - (last.t0 + last.grams.length * last.periodMs);
      expect(lag).toBeGreaterThan(-100);
      expect(lag).toBeLessThan(5 * 1000);
      expect(Math.abs(storeNow() - (passages[0]?.t ?? 0))).toBeLessThan(5 * 1000);
      expect(Object.keys(host.metrics()).sort()).toEqual(['gate-out', 'sc-02']);
      // Health is re-announced, so a late subscriber learns it; an unplugged controller reads down.
      const ups = () => statuses.filter((s) => s.deviceId === 'sc-02' && s.status === 'up').length;
      await waitFor(() => ups() >= 3, 'repeated up of sc-02');
      expect(
        statuses.filter((s) => s.deviceId === 'gate-out' && s.status === 'up').length,
      ).toBeGreaterThanOrEqual(2);
      await fw.detach();
      await shelfPair.unplug();
      const downs = () => statuses.filter((s) => s.deviceId === 'sc-02' && s.status === 'down').length;
      // The hang-up can reach the driver late on a loaded machine (socat lingers after its peer
      // closes): give it time, the condition itself is unchanged.
      await waitFor(() => downs() >= 3, "the driver's down, then repeated", 15_000);
      expect(statuses.find((s) => s.deviceId === 'gate-out')?.kind).toBe('gate');
    } finally {
      await host.close();
      await fw.detach();
      await door.detach();
      await shelfPair.unplug();
      await doorPair.unplug();
      calibration.close();
    }
  }, 30_000);
});
