import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import type { Topic, TopicMap } from '../../core/messages.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { InProcessBus } from '../../edge/bus/index.ts';
import type { SerialShelfConfigInput } from '../../hardware/shelf/config.ts';
import { CalibrationStore, createShelfController, type ShelfController } from '../../hardware/shelf/index.ts';
import { ShelfFirmware, type ShelfFirmwareOptions } from '../../simulator/devices/shelf-firmware.ts';
import { SocatPtyPair } from '../../simulator/devices/socat-pty.ts';

/** Demo store: controller sc-01 reads plates g1.s1.p1…p10 on channels 0-9. */
export const CONTROLLER = 'sc-01';
export const plateOf = (ch: number): string => `g1.s1.p${ch + 1}`;

export interface Received {
  topic: Topic;
  msg: TopicMap[Topic];
  at: number;
}

/** A real socat pty pair, the firmware emulator on one end, the driver on the other, SQLite on disk. */
export class ShelfRig {
  readonly dir = mkdtempSync(join(tmpdir(), 'walkout-shelf-'));
  readonly pair = new SocatPtyPair(join(this.dir, 'host'), join(this.dir, 'device'));
  readonly dbPath = join(this.dir, 'calibration.db');
  readonly calibration = new CalibrationStore(this.dbPath);
  readonly received: Received[] = [];
  /** The driver publishes into a real edge bus; the rig records what subscribers receive. */
  readonly bus = new InProcessBus();
  firmware!: ShelfFirmware;

  constructor() {
    for (const topic of ['shelf.samples', 'device.status'] as const)
      this.bus.subscribe(topic, (msg) => this.received.push({ topic, msg, at: Date.now() }));
  }

  driver!: ShelfController;

  async start(
    fw: Partial<ShelfFirmwareOptions> = {},
    cfg: Partial<SerialShelfConfigInput> = {},
    /** Plug the controller in only this long after the driver started looking for it. */
    plugAfterMs?: number,
  ): Promise<this> {
    this.firmware = new ShelfFirmware({
      controllerId: CONTROLLER,
      path: this.pair.devicePath,
      channels: 16,
      ...fw,
    });
    if (plugAfterMs === undefined) {
      await this.pair.plug();
      await this.firmware.attach();
    }
    this.driver = createShelfController(
      {
        type: 'serial',
        controllerId: CONTROLLER,
        path: this.pair.hostPath,
        commandTimeoutMs: 500,
        reconnect: { initialMs: 25, maxMs: 200 },
        ...cfg,
      },
      {
        store: loadStore('demo'),
        calibration: this.calibration,
        sink: this.bus,
      },
    );
    const started = this.driver.start();
    if (plugAfterMs !== undefined) {
      await sleep(plugAfterMs);
      expect(this.driver.connected).toBe(false);
      await this.pair.plug();
      await this.firmware.attach();
    }
    await started;
    return this;
  }

  samples(plateId?: string): Array<TopicMap['shelf.samples'] & { at: number }> {
    const out: Array<TopicMap['shelf.samples'] & { at: number }> = [];
    for (const r of this.received)
      if (r.topic === 'shelf.samples') {
        const m = r.msg as TopicMap['shelf.samples'];
        if (plateId === undefined || m.plateId === plateId) out.push({ ...m, at: r.at });
      }
    return out;
  }

  statuses(): Array<TopicMap['device.status']> {
    return this.received
      .filter((r) => r.topic === 'device.status')
      .map((r) => r.msg as TopicMap['device.status']);
  }

  async waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(10);
    }
  }

  /** Waits until `n` more batches of `plateId` arrived after this call. */
  async nextBatches(plateId: string, n: number): Promise<Array<TopicMap['shelf.samples'] & { at: number }>> {
    const start = this.samples(plateId).length;
    await this.waitFor(() => this.samples(plateId).length >= start + n, 5000, `${n} batches of ${plateId}`);
    return this.samples(plateId).slice(start, start + n);
  }

  async stop(): Promise<void> {
    await this.driver?.close();
    await this.firmware?.detach();
    await this.pair.unplug();
    await this.bus.close();
    this.calibration.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
