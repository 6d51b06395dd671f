import type { SerialPort } from 'serialport';
import { createLogger } from '../../core/log.ts';
import type { SerialScannerConfig } from './config.ts';
import type { EntryScanner, GateSink, ScannerMetrics } from './index.ts';
import { LineParser } from './line-parser.ts';
import { SerialLink } from './serial-link.ts';

/**
 * Driver of a serial QR scanner at an entry gate: each code arrives as one ASCII line; valid,
 * non-repeated codes are published as `gate.scan` stamped with the store clock on arrival (scanners
 * have no clock of their own).
 */
export class SerialScannerDriver implements EntryScanner {
  private readonly m: ScannerMetrics = {
    lines: 0,
    scans: 0,
    duplicates: 0,
    rejected: 0,
    nonPrintable: 0,
    overlong: 0,
    partial: 0,
    reconnects: 0,
  };
  private readonly log;
  private readonly link: SerialLink;
  private parser: LineParser | undefined;
  private readonly pattern: RegExp;
  /** Token → store time it was last read; pruned as entries age out of the window. */
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly cfg: SerialScannerConfig,
    private readonly sink: GateSink,
    private readonly now: () => number = Date.now,
  ) {
    this.log = createLogger('hardware.gate.scanner', { gateId: cfg.gateId });
    this.pattern = new RegExp(cfg.tokenPattern);
    this.link = new SerialLink({
      path: cfg.path,
      baudRate: cfg.baudRate,
      reconnect: cfg.reconnect,
      log: this.log,
      onOpen: (port) => this.onOpen(port),
      onClose: () => this.onClose(),
    });
  }

  /** Counters so far, including what the current parser has dropped since the last line. */
  get metrics(): ScannerMetrics {
    const out = { ...this.m, reconnects: this.link.reconnects };
    const c = this.parser?.counters;
    if (c) {
      out.nonPrintable += c.nonPrintable;
      out.overlong += c.overlong;
      out.partial += c.partial;
    }
    return out;
  }

  get gateId(): string {
    return this.cfg.gateId;
  }

  get connected(): boolean {
    return this.link.connected;
  }

  async start(): Promise<void> {
    await this.link.start();
  }

  async waitConnected(): Promise<void> {
    await this.link.waitConnected();
  }

  private onOpen(port: SerialPort): void {
    const parser = new LineParser({
      maxLength: this.cfg.maxLineLength,
      lineTimeoutMs: this.cfg.lineTimeoutMs,
    });
    this.parser = parser;
    port.pipe(parser);
    parser.on('data', (line: string) => this.onLine(line));
    this.status('up');
  }

  private onClose(): void {
    const p = this.parser;
    this.parser = undefined;
    if (p) {
      p.dropPartial();
      this.absorb(p);
    }
    this.status('down', 'serial port closed');
  }

  private absorb(p: LineParser): void {
    const c = p.counters;
    this.m.nonPrintable += c.nonPrintable;
    this.m.overlong += c.overlong;
    this.m.partial += c.partial;
    c.nonPrintable = 0;
    c.overlong = 0;
    c.partial = 0;
  }

  private onLine(line: string): void {
    if (this.parser) this.absorb(this.parser);
    this.m.lines++;
    const token = line.trim();
    if (!this.pattern.test(token)) {
      this.m.rejected++;
      this.log.debug({ length: token.length }, 'line is not an entry token');
      return;
    }
    const t = this.now();
    for (const [tok, at] of this.recent) if (t - at > this.cfg.dedupeMs) this.recent.delete(tok);
    const last = this.recent.get(token);
    this.recent.set(token, t);
    if (last !== undefined) {
      this.m.duplicates++;
      return;
    }
    this.m.scans++;
    this.sink.publish('gate.scan', { gateId: this.cfg.gateId, t, token });
  }

  private status(status: 'up' | 'down', detail?: string): void {
    this.sink.publish('device.status', {
      deviceId: `${this.cfg.gateId}.scanner`,
      kind: 'gate',
      t: this.now(),
      status,
      ...(detail ? { detail } : {}),
    });
  }

  async close(): Promise<void> {
    await this.link.close();
    if (this.parser) this.absorb(this.parser);
  }
}
