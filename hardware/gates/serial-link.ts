import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SerialPort } from 'serialport';
import type { Logger } from '../../core/log.ts';

export interface SerialLinkOptions {
  path: string;
  baudRate: number;
  reconnect: { initialMs: number; maxMs: number };
  log: Logger;
  /** A fresh port: the driver pipes it into fresh parsers (no state survives a reconnect). */
  onOpen(port: SerialPort, reconnect: boolean): void;
  /** The port went away (unplugged, or closed by `close()`). */
  onClose(): void;
}

/**
 * One serial port that keeps itself open: retries with doubling backoff while the device is missing
 * and reopens after an unplug, so a driver only sees open/close callbacks.
 */
export class SerialLink {
  reconnects = 0;
  private port: SerialPort | undefined;
  private closed = false;
  private everOpen = false;
  private waiters: Array<() => void> = [];
  private watch: NodeJS.Timeout | undefined;

  constructor(private readonly o: SerialLinkOptions) {}

  get connected(): boolean {
    return this.port?.isOpen === true;
  }

  /** Resolves once the port is open (or the link is closed). */
  async start(): Promise<void> {
    // A device that never talks first (a scanner) may not see a hang-up from the OS; a vanished
    // device node (USB unplug, removed socat link) is an unplug too.
    this.watch ??= setInterval(() => {
      const port = this.port;
      if (port?.isOpen && !existsSync(this.o.path)) {
        this.o.log.warn({ path: this.o.path }, 'device node vanished; closing the port');
        port.close();
      }
    }, 500);
    await this.openLoop();
  }

  async waitConnected(): Promise<void> {
    if (this.connected || this.closed) return;
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Writes when open; false when the port is not there. */
  write(data: string): boolean {
    const port = this.port;
    if (!port?.isOpen) return false;
    port.write(data, 'latin1');
    return true;
  }

  private async openLoop(): Promise<void> {
    let delay = this.o.reconnect.initialMs;
    while (!this.closed) {
      try {
        await this.open();
        return;
      } catch (err) {
        this.o.log.debug({ err, delay }, 'open failed, retrying');
        await sleep(delay);
        delay = Math.min(delay * 2, this.o.reconnect.maxMs);
      }
    }
  }

  private async open(): Promise<void> {
    const port = new SerialPort({ path: this.o.path, baudRate: this.o.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    if (this.closed) {
      port.close();
      return;
    }
    this.port = port;
    port.on('error', (err) => this.o.log.warn({ err }, 'port error'));
    port.once('close', () => this.onClose(port));
    const again = this.everOpen;
    if (again) this.reconnects++;
    this.everOpen = true;
    this.o.onOpen(port, again);
    for (const w of this.waiters.splice(0)) w();
  }

  private onClose(port: SerialPort): void {
    if (this.port !== port) return;
    this.port = undefined;
    this.o.onClose();
    if (this.closed) return;
    this.openLoop().catch((err: unknown) => this.o.log.error({ err }, 'reconnect loop failed'));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watch) clearInterval(this.watch);
    for (const w of this.waiters.splice(0)) w();
    const port = this.port;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
