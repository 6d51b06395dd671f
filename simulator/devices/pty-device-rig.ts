import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { GatePassage, GateScan, ShelfSamples } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { DevicesConfigInput, StoreClockConfig } from '../../hardware/host/config.ts';
import { SAMPLE_MS } from '../load-cells.ts';
import { DoorFirmware } from './door-firmware.ts';
import { ScannerEmulator } from './scanner-emulator.ts';
import { ShelfFirmware } from './shelf-firmware.ts';
import { SocatPtyPair } from './socat-pty.ts';

interface Controller {
  id: string;
  pair: SocatPtyPair;
  fw: ShelfFirmware;
  channels: number;
  mapped: Set<number>;
  /** Sample step (60 Hz since t = 0) → grams per channel, filled from the plates' batches. */
  steps: Map<number, Array<number | null | undefined>>;
  next: number | undefined;
  lastStep: number;
}

interface GateDevices {
  id: string;
  door: DoorFirmware;
  doorPair: SocatPtyPair;
  scanner?: ScannerEmulator;
  scannerPair?: SocatPtyPair;
}

type GateEvent = { t: number; scan: GateScan } | { t: number; passage: GatePassage };

/** A held phone is read again this long (store ms) after the first read: well inside the driver's dedupe window. */
const REREAD_MS = 100;

/**
 * The simulated store's devices on socat ptys: one shelf-firmware emulator per controller, a door
 * controller per gate and a QR scanner per entry gate. The simulation's per-plate batches are
 * reassembled into the per-controller sample frames a real controller sends at each sample instant,
 * and gate events are typed/sent when they happen, all on the simulation's clock.
 */
export class PtyDeviceRig {
  readonly controllers: Controller[] = [];
  readonly gates: GateDevices[] = [];
  /** Frames sent with a channel the simulation gave no reading for (a lost or silent batch). */
  holes = 0;
  noiseBursts = 0;
  private readonly byPlate = new Map<string, { c: Controller; ch: number }>();
  private events: GateEvent[] = [];

  constructor(
    store: StoreModel,
    dir: string,
    private readonly startMs: number,
    /** The store clock (absolute ms) of the running simulation. */
    private readonly now: () => number,
    /** Told how many store ms after its time each batch of frames or gate event goes out. */
    private readonly late: (ms: number) => void = () => {},
  ) {
    const wiring = new Map<string, Map<number, string>>();
    for (const [plateId, info] of store.plates) {
      const { id, channel } = info.plate.controller;
      const channels = wiring.get(id) ?? new Map<number, string>();
      channels.set(channel, plateId);
      wiring.set(id, channels);
    }
    for (const [id, plates] of wiring) {
      const pair = new SocatPtyPair(join(dir, `shelf-${id}`), join(dir, `shelf-${id}.dev`));
      const channels = Math.max(...plates.keys()) + 1;
      const fw = new ShelfFirmware({ controllerId: id, path: pair.devicePath, channels, stream: false });
      const c: Controller = {
        id,
        pair,
        fw,
        channels,
        mapped: new Set(plates.keys()),
        steps: new Map(),
        next: undefined,
        lastStep: -1,
      };
      this.controllers.push(c);
      for (const [ch, plateId] of plates) this.byPlate.set(plateId, { c, ch });
    }
    // Door controllers booted well before the store opened: their uptime runs through the start delay.
    const deviceClock = () => Math.max(0, this.now() - this.startMs + 3_600_000);
    for (const g of store.config.gates) {
      const doorPair = new SocatPtyPair(join(dir, `door-${g.id}`), join(dir, `door-${g.id}.dev`));
      const gate: GateDevices = {
        id: g.id,
        doorPair,
        door: new DoorFirmware({ gateId: g.id, path: doorPair.devicePath, clock: deviceClock }),
      };
      if (g.kind === 'entry') {
        gate.scannerPair = new SocatPtyPair(join(dir, `scanner-${g.id}`), join(dir, `scanner-${g.id}.dev`));
        gate.scanner = new ScannerEmulator({ path: gate.scannerPair.devicePath });
      }
      this.gates.push(gate);
    }
  }

  private pairs(): SocatPtyPair[] {
    return [
      ...this.controllers.map((c) => c.pair),
      ...this.gates.flatMap((g) => [g.doorPair, ...(g.scannerPair ? [g.scannerPair] : [])]),
    ];
  }

  /** Creates every pty pair and opens the device ends. */
  async plug(): Promise<void> {
    await Promise.all(this.pairs().map((p) => p.plug()));
    await Promise.all([
      ...this.controllers.map((c) => c.fw.attach()),
      ...this.gates.flatMap((g) => [g.door.attach(), ...(g.scanner ? [g.scanner.attach()] : [])]),
    ]);
  }

  /** What `walkout devices` needs to drive the host ends. */
  devicesConfig(clock: StoreClockConfig): DevicesConfigInput {
    const reconnect = { initialMs: 50, maxMs: 500 };
    return {
      clock,
      shelves: this.controllers.map((c) => ({
        type: 'serial',
        controllerId: c.id,
        path: c.pair.hostPath,
        reconnect,
      })),
      scanners: this.gates.flatMap((g) =>
        g.scannerPair
          ? [{ type: 'serial' as const, gateId: g.id, path: g.scannerPair.hostPath, reconnect }]
          : [],
      ),
      doors: this.gates.map((g) => ({ type: 'serial', gateId: g.id, path: g.doorPair.hostPath, reconnect })),
    };
  }

  /** Device ids whose `device.status` up shows the drivers are reading every port. */
  deviceIds(): string[] {
    return [
      ...this.controllers.map((c) => c.id),
      ...this.gates.flatMap((g) => [g.id, ...(g.scanner ? [`${g.id}.scanner`] : [])]),
    ];
  }

  samples(m: ShelfSamples): void {
    const at = this.byPlate.get(m.plateId);
    if (!at) return;
    const base = Math.round((m.t0 - this.startMs) / SAMPLE_MS);
    m.grams.forEach((g, i) => {
      const step = base + i;
      let row = at.c.steps.get(step);
      if (!row) {
        row = new Array<number | null | undefined>(at.c.channels);
        at.c.steps.set(step, row);
      }
      row[at.ch] = g;
      if (step > at.c.lastStep) at.c.lastStep = step;
    });
  }

  scan(m: GateScan): void {
    // The re-read is scheduled on the store clock, not a wall timer: a process that falls behind
    // sends both reads together, as a scanner would, instead of the second one seconds later.
    this.events.push({ t: m.t, scan: m }, { t: m.t + REREAD_MS, scan: m });
  }

  passage(m: GatePassage): void {
    this.events.push({ t: m.t, passage: m });
  }

  /** Sends every frame and gate event due at the current store time. */
  pump(): void {
    const now = this.now();
    const due = Math.floor((now - this.startMs) / SAMPLE_MS);
    for (const c of this.controllers) {
      if (c.next !== undefined && c.next <= Math.min(due, c.lastStep))
        this.late(now - (this.startMs + c.next * SAMPLE_MS));
      this.pumpController(c, Math.min(due, c.lastStep));
    }
    if (this.events.length === 0) return;
    this.events.sort((a, b) => a.t - b.t);
    while (this.events.length > 0 && (this.events[0]?.t ?? 0) <= now) {
      const e = this.events.shift() as GateEvent;
      this.late(now - e.t);
      const gate = this.gates.find((g) => g.id === ('scan' in e ? e.scan.gateId : e.passage.gateId));
      if ('scan' in e) gate?.scanner?.scan(e.scan.token).catch(() => undefined);
      else gate?.door.passage(e.passage.direction);
    }
  }

  private pumpController(c: Controller, upTo: number): void {
    if (c.next === undefined) {
      // A real controller's first frame has every channel: start at the first complete step.
      for (const step of [...c.steps.keys()].sort((a, b) => a - b)) {
        if (step > upTo) break;
        const row = c.steps.get(step) ?? [];
        if ([...c.mapped].every((ch) => row[ch] !== undefined)) {
          c.next = step;
          break;
        }
        c.steps.delete(step);
      }
      if (c.next === undefined) return;
    }
    const out: Array<{ deviceMs: number; grams: Array<number | null> }> = [];
    for (; c.next <= upTo; c.next++) {
      const row = c.steps.get(c.next) ?? [];
      c.steps.delete(c.next);
      const grams: Array<number | null> = [];
      let hole = false;
      for (let ch = 0; ch < c.channels; ch++) {
        const g = row[ch];
        if (g === undefined && c.mapped.has(ch)) hole = true;
        grams.push(g ?? null);
      }
      if (hole) this.holes++;
      out.push({ deviceMs: Math.round(c.next * SAMPLE_MS), grams });
    }
    c.fw.sendGrams(out);
  }

  /**
   * Line faults on every link, as a noisy store would have: a burst of noise or one corrupted CRC
   * per shelf controller (alternately), a noise line on each scanner (high bytes, as a wrong baud rate gives: never
   * a token) and each door link. Everything here is detected and dropped by the drivers; it costs the
   * frames it lands in, never a wrong reading.
   */
  injectLineNoise(): void {
    // Alternating: noise glued to the corrupted frame would make it malformed, not a CRC error.
    for (const c of this.controllers) {
      if (this.noiseBursts % 2 === 0) c.fw.injectGarbage(24);
      else c.fw.corruptCrc(1);
    }
    for (const g of this.gates) {
      g.door.injectGarbage(24);
      g.door.writeRaw('\r\n');
      if (g.scanner) {
        const noise = randomBytes(16).map((b) => b | 0x80);
        g.scanner.writeRaw(Buffer.concat([Buffer.from(noise), Buffer.from('\r')]));
      }
    }
    this.noiseBursts++;
  }

  /** Nothing left to send: every received sample went out and every gate event happened. */
  drained(): boolean {
    return (
      this.events.length === 0 && this.controllers.every((c) => c.next === undefined || c.next > c.lastStep)
    );
  }

  framesSent(): number {
    return this.controllers.reduce((n, c) => n + c.fw.framesSent, 0);
  }

  async close(): Promise<void> {
    await Promise.all([
      ...this.controllers.map((c) => c.fw.detach()),
      ...this.gates.flatMap((g) => [g.door.detach(), ...(g.scanner ? [g.scanner.detach()] : [])]),
    ]);
    await Promise.all(this.pairs().map((p) => p.unplug()));
  }
}
