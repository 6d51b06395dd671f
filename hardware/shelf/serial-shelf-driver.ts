import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import { createLogger } from '../../core/log.ts';
import type { DeviceStatus, TopicMap } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { CalibrationStore, ChannelCalibration } from './calibration-store.ts';
import { ClockMap } from './clock-map.ts';
import { CommandClient } from './command-client.ts';
import type { SerialShelfConfig } from './config.ts';
import { ShelfFrameParser } from './frame-parser.ts';
import type { ShelfController, ShelfMetrics, ShelfSink } from './index.ts';
import { PlateBatcher } from './plate-batcher.ts';
import {
  type CommandName,
  decodeCalibrateReply,
  decodeHealth,
  decodeIdentity,
  decodeTareReply,
  type Health,
  type Identity,
  INVALID_COUNTS,
  type ReplyFrame,
  type SampleFrame,
  type ShelfFrame,
} from './protocol.ts';

/** How often (ms) an open port's device node is checked for having vanished. */
const NODE_CHECK_MS = 500;

/** Driver of one shelf controller on a serial port (see docs/shelf-protocol.md). */
export class SerialShelfDriver implements ShelfController {
  readonly metrics: ShelfMetrics = {
    frames: 0,
    crcErrors: 0,
    malformed: 0,
    gaps: 0,
    lostFrames: 0,
    reconnects: 0,
    clockJumps: 0,
    commandTimeouts: 0,
    foreignFrames: 0,
  };
  private readonly log;
  private port: SerialPort | undefined;
  private parser: ShelfFrameParser | undefined;
  private closed = false;
  private nodeWatch: NodeJS.Timeout | undefined;
  private everConnected = false;
  private lastSeq: number | undefined;
  private readonly clock = new ClockMap();
  private readonly batcher: PlateBatcher;
  private readonly commands: CommandClient;
  private connectedWaiters: Array<() => void> = [];
  private rateHz: number;

  constructor(
    private readonly cfg: SerialShelfConfig,
    private readonly store: StoreModel,
    private readonly calibration: CalibrationStore,
    private readonly sink: ShelfSink,
    private readonly now: () => number = Date.now,
  ) {
    this.rateHz = cfg.rateHz;
    this.commands = new CommandClient(cfg.controllerId);
    this.log = createLogger('hardware.shelf', { controllerId: cfg.controllerId });
    this.batcher = new PlateBatcher(
      cfg.batchSize,
      (m) => sink.publish('shelf.samples', m),
      1000 / cfg.rateHz,
    );
  }

  get controllerId(): string {
    return this.cfg.controllerId;
  }

  get connected(): boolean {
    return this.port?.isOpen === true;
  }

  async start(): Promise<void> {
    this.nodeWatch ??= setInterval(() => this.closeIfNodeGone(), NODE_CHECK_MS);
    await this.connectLoop();
  }

  /**
   * The OS does not always hang up a port whose device went (seen with socat ptys under load: the
   * link gone, the port still open, no 'close' ever): a device node that no longer exists is an
   * unplug. Only a missing node counts; any other stat error says nothing about the device.
   */
  private closeIfNodeGone(): void {
    const port = this.port;
    if (!port?.isOpen) return;
    let gone = false;
    try {
      gone = statSync(this.cfg.path, { throwIfNoEntry: false }) === undefined;
    } catch {
      return;
    }
    if (!gone) return;
    this.log.warn({ path: this.cfg.path }, 'device node vanished; closing the port');
    port.close();
  }

  /** Resolves once the port is open (immediately when it is). */
  async waitConnected(): Promise<void> {
    if (this.connected) return;
    await new Promise<void>((resolve) => this.connectedWaiters.push(resolve));
  }

  private async connectLoop(): Promise<void> {
    let delay = this.cfg.reconnect.initialMs;
    while (!this.closed) {
      try {
        await this.open();
        return;
      } catch (err) {
        this.log.debug({ err, delay }, 'open failed, retrying');
        await sleep(delay);
        delay = Math.min(delay * 2, this.cfg.reconnect.maxMs);
      }
    }
  }

  private async open(): Promise<void> {
    const port = new SerialPort({ path: this.cfg.path, baudRate: this.cfg.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    if (this.closed) {
      port.close();
      return;
    }
    const parser = new ShelfFrameParser();
    this.port = port;
    this.parser = parser;
    port.pipe(parser);
    parser.on('data', (f: ShelfFrame) => this.onFrame(f));
    port.on('error', (err) => this.log.warn({ err }, 'port error'));
    port.once('close', () => this.onClose(port));
    if (this.everConnected) this.metrics.reconnects++;
    this.everConnected = true;
    // The controller may have rebooted while away: forget its clock and sequence.
    this.clock.reset();
    this.lastSeq = undefined;
    this.status('up');
    for (const w of this.connectedWaiters.splice(0)) w();
    this.setRate(this.rateHz).catch((err: unknown) => this.log.warn({ err }, 'set-rate on connect failed'));
  }

  private onClose(port: SerialPort): void {
    if (this.port !== port) return;
    this.port = undefined;
    if (this.parser) this.absorbParserCounters(this.parser);
    this.parser = undefined;
    this.batcher.flush(true);
    this.commands.failAll('port closed');
    if (this.closed) return;
    this.status('down', 'serial port closed');
    this.connectLoop().catch((err: unknown) => this.log.error({ err }, 'reconnect loop failed'));
  }

  private absorbParserCounters(p: ShelfFrameParser): void {
    this.metrics.crcErrors += p.counters.crcErrors;
    this.metrics.malformed += p.counters.malformed + p.counters.oversize;
    p.counters.crcErrors = 0;
    p.counters.malformed = 0;
    p.counters.oversize = 0;
  }

  private status(status: DeviceStatus['status'], detail?: string): void {
    const msg: TopicMap['device.status'] = {
      deviceId: this.cfg.controllerId,
      kind: 'shelf-controller',
      t: this.now(),
      status,
      ...(detail ? { detail } : {}),
    };
    this.sink.publish('device.status', msg);
  }

  private onFrame(f: ShelfFrame): void {
    if (this.parser) this.absorbParserCounters(this.parser);
    if (f.type === 'reply') this.commands.onReply(f);
    else if (f.type === 'samples') this.onSamples(f);
  }

  private onSamples(f: SampleFrame): void {
    if (f.controllerId !== this.cfg.controllerId) {
      this.metrics.foreignFrames++;
      return;
    }
    this.metrics.frames++;
    if (this.lastSeq !== undefined) {
      const lost = (f.seq - this.lastSeq - 1) >>> 0;
      // A seq far behind is a controller restart, not 4 billion lost frames.
      if (lost > 0 && lost < 0x8000_0000) {
        this.metrics.gaps++;
        this.metrics.lostFrames += lost;
        this.batcher.flush(true);
      }
    }
    // The device clock must advance by (frames since the last one) × period; see ClockMap.
    const expected =
      this.lastSeq === undefined ? undefined : ((f.seq - this.lastSeq) >>> 0) * (1000 / this.rateHz);
    this.lastSeq = f.seq;
    const jumps = this.clock.jumps;
    const t = this.clock.map(f.deviceMs, this.now(), expected);
    if (this.clock.jumps !== jumps) {
      this.metrics.clockJumps++;
      this.batcher.flush();
    }
    f.counts.forEach((counts, channel) => {
      const plateId = this.store.plateByChannel.get(`${this.cfg.controllerId}#${channel}`);
      if (!plateId) return;
      this.batcher.add(plateId, t, f.deviceMs, this.toGrams(channel, counts));
    });
  }

  toGrams(channel: number, counts: number): number | null {
    if (counts <= INVALID_COUNTS || counts >= 0x7fffff) return null; // saturated or not ready
    const cal = this.calibration.get(this.cfg.controllerId, channel);
    return (counts - (cal?.offset ?? 0)) / (cal?.scale ?? this.cfg.defaultCountsPerGram);
  }

  private command(
    name: CommandName,
    args?: Uint8Array,
    timeoutMs = this.cfg.commandTimeoutMs,
  ): Promise<ReplyFrame> {
    const port = this.port;
    return this.commands
      .send(port?.isOpen ? (b) => port.write(b) : undefined, name, args, timeoutMs)
      .finally(() => {
        this.metrics.commandTimeouts = this.commands.timeouts;
      });
  }

  async identify(): Promise<Identity> {
    return decodeIdentity((await this.command('identify')).body);
  }

  async health(): Promise<Health> {
    return decodeHealth((await this.command('health')).body);
  }

  async setRate(hz: number): Promise<number> {
    const reply = await this.command('setRate', Buffer.from([hz]));
    const rate = reply.body[0] ?? hz;
    this.rateHz = rate;
    this.batcher.setRate(rate);
    return rate;
  }

  /** Zeroes the given channels (all mapped ones by default): offset := averaged empty-plate counts. */
  async tare(channels = this.mappedChannels()): Promise<Map<number, ChannelCalibration>> {
    let mask = 0;
    for (const ch of channels) mask |= 1 << ch;
    const args = Buffer.from([mask & 0xff, mask >> 8, this.cfg.averageSamples]);
    // Averaging takes averageSamples sample periods on the controller.
    const wait = this.cfg.commandTimeoutMs + (this.cfg.averageSamples * 1000) / this.rateHz;
    const averages = decodeTareReply((await this.command('tare', args, wait)).body);
    const out = new Map<number, ChannelCalibration>();
    for (const [ch, counts] of averages) {
      const prev = this.calibration.get(this.cfg.controllerId, ch);
      const cal = { offset: counts, scale: prev?.scale ?? this.cfg.defaultCountsPerGram };
      this.calibration.set(this.cfg.controllerId, ch, cal);
      out.set(ch, cal);
    }
    return out;
  }

  /** With `knownGrams` on the (tared) plate of `channel`: scale := (counts - offset) / knownGrams. */
  async calibrate(channel: number, knownGrams: number): Promise<ChannelCalibration> {
    const args = Buffer.alloc(6);
    args[0] = channel;
    args[1] = this.cfg.averageSamples;
    args.writeFloatLE(knownGrams, 2);
    const wait = this.cfg.commandTimeoutMs + (this.cfg.averageSamples * 1000) / this.rateHz;
    const reply = decodeCalibrateReply((await this.command('calibrate', args, wait)).body);
    const offset = this.calibration.get(this.cfg.controllerId, channel)?.offset ?? 0;
    const cal = { offset, scale: (reply.counts - offset) / knownGrams };
    this.calibration.set(this.cfg.controllerId, channel, cal);
    return cal;
  }

  private mappedChannels(): number[] {
    const out: number[] = [];
    for (let ch = 0; ch < 16; ch++)
      if (this.store.plateByChannel.has(`${this.cfg.controllerId}#${ch}`)) out.push(ch);
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.nodeWatch) clearInterval(this.nodeWatch);
    for (const w of this.connectedWaiters.splice(0)) w();
    const port = this.port;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.batcher.flush();
  }
}
