import { randomBytes } from 'node:crypto';
import type { SerialPort } from 'serialport';
import { closeDeviceEnd, openDeviceEnd } from './serial-end.ts';

export interface ScannerEmulatorOptions {
  /** Device end of the pty pair. */
  path: string;
  /** Line suffix the scanner is configured with (CR is the factory default of most). */
  suffix?: '\r' | '\n' | '\r\n';
  baudRate?: number;
}

/**
 * Emulates a serial QR scanner: each decoded code is written as one ASCII line, like a USB-CDC or
 * RS-232 scanner in "keyboard-wedge over serial" mode. Held in front of a code, a scanner re-reads
 * it; `scan(token, { repeats })` does the same. Faults on request: line noise, half lines, raw bytes.
 */
export class ScannerEmulator {
  private port: SerialPort | undefined;
  linesSent = 0;

  constructor(private readonly opts: ScannerEmulatorOptions) {}

  get attached(): boolean {
    return this.port?.isOpen === true;
  }

  async attach(): Promise<void> {
    this.port = await openDeviceEnd(this.opts.path, this.opts.baudRate ?? 9600);
  }

  async detach(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    await closeDeviceEnd(port);
  }

  /** Writes the code `repeats` times (re-reads), `gapMs` apart; false when not attached. */
  async scan(token: string, o: { repeats?: number; gapMs?: number } = {}): Promise<boolean> {
    const n = o.repeats ?? 1;
    for (let i = 0; i < n; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, o.gapMs ?? 100));
      if (!this.port?.isOpen) return false;
      this.port.write(`${token}${this.opts.suffix ?? '\r'}`, 'latin1');
      this.linesSent++;
    }
    return true;
  }

  /** `n` random bytes (line noise, a wrong baud rate). */
  injectGarbage(n: number): void {
    this.port?.write(randomBytes(n));
  }

  /** Text without a terminator: the start of a line the cable glitch cut off. */
  writePartial(text: string): void {
    this.port?.write(text, 'latin1');
  }

  writeRaw(b: Buffer | string): void {
    this.port?.write(b);
  }
}
