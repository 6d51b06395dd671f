import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TopicMap } from '../../core/messages.ts';
import { InProcessBus } from '../../edge/bus/index.ts';
import type { SerialDoorConfigInput, SerialScannerConfigInput } from '../../hardware/gates/config.ts';
import {
  createDoorController,
  createScanner,
  type DoorController,
  type EntryScanner,
} from '../../hardware/gates/index.ts';
import { DoorFirmware } from '../../simulator/devices/door-firmware.ts';
import { ScannerEmulator } from '../../simulator/devices/scanner-emulator.ts';
import { SocatPtyPair } from '../../simulator/devices/socat-pty.ts';

export const GATE = 'gate-in';

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Real socat pty pairs, the scanner and door emulators on one end, the drivers on the other. */
export class GateRig {
  readonly dir = mkdtempSync(join(tmpdir(), 'walkout-gate-'));
  readonly scannerPair = new SocatPtyPair(join(this.dir, 'scanner-host'), join(this.dir, 'scanner-dev'));
  readonly doorPair = new SocatPtyPair(join(this.dir, 'door-host'), join(this.dir, 'door-dev'));
  readonly bus = new InProcessBus();
  readonly scans: Array<TopicMap['gate.scan']> = [];
  readonly passages: Array<TopicMap['gate.passage']> = [];
  readonly statuses: Array<TopicMap['device.status']> = [];
  scannerEmu!: ScannerEmulator;
  doorEmu!: DoorFirmware;
  scanner!: EntryScanner;
  door!: DoorController;

  constructor() {
    this.bus.subscribe('gate.scan', (m) => this.scans.push(m));
    this.bus.subscribe('gate.passage', (m) => this.passages.push(m));
    this.bus.subscribe('device.status', (m) => this.statuses.push(m));
  }

  async start(
    o: {
      scanner?: Partial<SerialScannerConfigInput>;
      door?: Partial<SerialDoorConfigInput>;
      heartbeatMs?: number;
    } = {},
  ): Promise<this> {
    await this.scannerPair.plug();
    await this.doorPair.plug();
    this.scannerEmu = new ScannerEmulator({ path: this.scannerPair.devicePath });
    this.doorEmu = new DoorFirmware({
      gateId: GATE,
      path: this.doorPair.devicePath,
      heartbeatMs: o.heartbeatMs ?? 200,
    });
    await this.scannerEmu.attach();
    await this.doorEmu.attach();
    const reconnect = { initialMs: 25, maxMs: 200 };
    this.scanner = createScanner(
      { type: 'serial', gateId: GATE, path: this.scannerPair.hostPath, reconnect, ...o.scanner },
      { sink: this.bus },
    );
    this.door = createDoorController(
      {
        type: 'serial',
        gateId: GATE,
        path: this.doorPair.hostPath,
        reconnect,
        commandTimeoutMs: 400,
        heartbeatTimeoutMs: 1000,
        ...o.door,
      },
      { sink: this.bus, commands: this.bus },
    );
    await Promise.all([this.scanner.start(), this.door.start()]);
    return this;
  }

  async stop(): Promise<void> {
    await this.scanner?.close();
    await this.door?.close();
    await this.scannerEmu?.detach();
    await this.doorEmu?.detach();
    await this.scannerPair.unplug();
    await this.doorPair.unplug();
    await this.bus.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
