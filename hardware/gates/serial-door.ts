import type { SerialPort } from 'serialport';
import { createLogger } from '../../core/log.ts';
import type { DeviceStatus } from '../../core/messages.ts';
import { ClockMap } from '../shelf/clock-map.ts';
import type { SerialDoorConfig } from './config.ts';
import { DoorCommands } from './door-commands.ts';
import { type DeviceSentence, type DoorState, MAX_SENTENCE, SentenceParser } from './door-protocol.ts';
import type { DoorController, DoorMetrics, DoorStatus, GateCommandSource, GateSink } from './index.ts';
import { LineParser } from './line-parser.ts';
import { SerialLink } from './serial-link.ts';

/**
 * Driver of a gate's door/turnstile controller (docs/gate-protocol.md): publishes `gate.passage`
 * (device time mapped onto the store clock) and `device.status`, executes `gate.command` opens from
 * the bus, and cross-checks the heartbeat's passage totals against the passages it received.
 */
export class SerialDoorDriver implements DoorController {
  private readonly m: DoorMetrics = {
    lines: 0,
    sentences: 0,
    badChecksums: 0,
    malformed: 0,
    nonPrintable: 0,
    overlong: 0,
    partial: 0,
    gaps: 0,
    lostLines: 0,
    passages: 0,
    missedPassages: 0,
    foreignHeartbeats: 0,
    heartbeatTimeouts: 0,
    commandsOk: 0,
    commandsFailed: 0,
    commandTimeouts: 0,
    reconnects: 0,
  };
  door: DoorState | 'unknown' = 'unknown';
  private readonly log;
  private readonly link: SerialLink;
  private readonly commands: DoorCommands;
  private lines: LineParser | undefined;
  private sentences: SentenceParser | undefined;
  private readonly clock = new ClockMap(120);
  private lastSeq: number | undefined;
  private lastHeartbeat: { passIn: number; passOut: number } | undefined;
  private seen = { in: 0, out: 0 };
  private lastSentenceAt = 0;
  private degraded = false;
  private watchdog: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly cfg: SerialDoorConfig,
    private readonly sink: GateSink,
    private readonly source: GateCommandSource | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.log = createLogger('hardware.gate.door', { gateId: cfg.gateId });
    this.commands = new DoorCommands(cfg.gateId, (s) => this.link.write(s));
    this.link = new SerialLink({
      path: cfg.path,
      baudRate: cfg.baudRate,
      reconnect: cfg.reconnect,
      log: this.log,
      onOpen: (port) => this.onOpen(port),
      onClose: () => this.onClose(),
    });
  }

  get gateId(): string {
    return this.cfg.gateId;
  }

  get connected(): boolean {
    return this.link.connected;
  }

  get health(): 'up' | 'degraded' | 'down' {
    if (!this.link.connected) return 'down';
    return this.degraded || this.door === 'forced' || this.door === 'held' ? 'degraded' : 'up';
  }

  get metrics(): DoorMetrics {
    const out = { ...this.m, reconnects: this.link.reconnects, ...this.commands.counters };
    const l = this.lines?.counters;
    if (l) {
      out.nonPrintable += l.nonPrintable;
      out.overlong += l.overlong;
      out.partial += l.partial;
    }
    const s = this.sentences?.counters;
    if (s) {
      out.badChecksums += s.badChecksums;
      out.malformed += s.malformed;
    }
    return out;
  }

  async start(): Promise<void> {
    this.unsubscribe = this.source?.subscribe('gate.command', (c) => {
      if (c.gateId !== this.cfg.gateId || c.action !== 'open') return;
      this.open(c.ref).catch((err: unknown) => this.log.warn({ err, ref: c.ref }, 'open command failed'));
    });
    this.watchdog = setInterval(() => this.checkHeartbeat(), Math.min(500, this.cfg.heartbeatTimeoutMs / 2));
    await this.link.start();
  }

  async waitConnected(): Promise<void> {
    await this.link.waitConnected();
  }

  /** Unlocks the door for `openHoldMs`; resolves on the controller's OK. */
  async open(ref?: string): Promise<void> {
    await this.commands.open(this.cfg.openHoldMs, this.cfg.commandTimeoutMs);
    this.log.info({ ref }, 'door opened');
  }

  async status(): Promise<DoorStatus> {
    return this.commands.query(this.cfg.commandTimeoutMs);
  }

  private onOpen(port: SerialPort): void {
    const lines = new LineParser({ maxLength: MAX_SENTENCE, lineTimeoutMs: this.cfg.lineTimeoutMs });
    const sentences = new SentenceParser();
    this.lines = lines;
    this.sentences = sentences;
    port.pipe(lines).pipe(sentences);
    lines.on('data', () => this.m.lines++);
    sentences.on('data', (s: DeviceSentence) => this.onSentence(s));
    // The controller may have rebooted while away: forget its clock, sequence and totals.
    this.clock.reset();
    this.lastSeq = undefined;
    this.lastHeartbeat = undefined;
    this.seen = { in: 0, out: 0 };
    this.lastSentenceAt = performance.now();
    this.degraded = false;
    this.publishStatus('up');
  }

  private onClose(): void {
    const lines = this.lines;
    const sentences = this.sentences;
    this.lines = undefined;
    this.sentences = undefined;
    if (lines) {
      lines.dropPartial();
      this.m.nonPrintable += lines.counters.nonPrintable;
      this.m.overlong += lines.counters.overlong;
      this.m.partial += lines.counters.partial;
    }
    if (sentences) {
      this.m.badChecksums += sentences.counters.badChecksums;
      this.m.malformed += sentences.counters.malformed;
    }
    this.commands.failAll('port closed');
    this.door = 'unknown';
    this.publishStatus('down', 'serial port closed');
  }

  private onSentence(s: DeviceSentence): void {
    this.m.sentences++;
    this.lastSentenceAt = performance.now();
    if (this.degraded) {
      this.degraded = false;
      this.publishStatus('up', 'heartbeat back');
    }
    if (this.lastSeq !== undefined) {
      const lost = (s.seq - this.lastSeq - 1) & 0xffff;
      // Far behind is a controller restart, not 65 000 lost lines.
      if (lost > 0 && lost < 0x8000) {
        this.m.gaps++;
        this.m.lostLines += lost;
      }
    }
    this.lastSeq = s.seq;
    const t = this.clock.map(s.ms, this.now());
    switch (s.type) {
      case 'passage':
        this.m.passages++;
        this.seen[s.direction]++;
        this.sink.publish('gate.passage', { gateId: this.cfg.gateId, t, direction: s.direction });
        return;
      case 'door':
        this.setDoor(s.state);
        return;
      case 'heartbeat':
        return this.onHeartbeat(s);
      case 'ack':
      case 'status':
        this.commands.onReply(s);
        return;
    }
  }

  private onHeartbeat(s: Extract<DeviceSentence, { type: 'heartbeat' }>): void {
    if (s.gateId !== this.cfg.gateId) {
      this.m.foreignHeartbeats++;
      this.publishStatus('degraded', `miswired: controller reports gate ${s.gateId}`);
    }
    const prev = this.lastHeartbeat;
    // Totals going backwards mean the controller restarted its counters: nothing to compare.
    if (prev && s.passIn >= prev.passIn && s.passOut >= prev.passOut) {
      const missed =
        Math.max(0, s.passIn - prev.passIn - this.seen.in) +
        Math.max(0, s.passOut - prev.passOut - this.seen.out);
      if (missed > 0) {
        this.m.missedPassages += missed;
        this.log.warn({ missed }, 'passages counted by the controller never arrived');
      }
    }
    this.lastHeartbeat = { passIn: s.passIn, passOut: s.passOut };
    this.seen = { in: 0, out: 0 };
    if (this.door !== s.door) this.setDoor(s.door);
  }

  private setDoor(state: DoorState): void {
    if (this.door === state) return;
    this.door = state;
    const alarm = state === 'forced' || state === 'held';
    this.publishStatus(alarm ? 'degraded' : 'up', `door ${state}`);
  }

  private checkHeartbeat(): void {
    if (!this.link.connected || this.degraded) return;
    if (performance.now() - this.lastSentenceAt <= this.cfg.heartbeatTimeoutMs) return;
    this.degraded = true;
    this.m.heartbeatTimeouts++;
    this.publishStatus('degraded', 'no heartbeat');
  }

  private publishStatus(status: DeviceStatus['status'], detail?: string): void {
    this.sink.publish('device.status', {
      deviceId: this.cfg.gateId,
      kind: 'gate',
      t: this.now(),
      status,
      ...(detail ? { detail } : {}),
    });
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.watchdog) clearInterval(this.watchdog);
    await this.link.close();
  }
}
