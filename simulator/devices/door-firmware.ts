import { randomBytes } from 'node:crypto';
import type { SerialPort } from 'serialport';
import {
  type DeviceSentence,
  type DoorState,
  encodeSentence,
  MAX_SENTENCE,
  type Sentence,
  SentenceParser,
} from '../../hardware/gates/door-protocol.ts';
import { LineParser } from '../../hardware/gates/line-parser.ts';
import { closeDeviceEnd, openDeviceEnd } from './serial-end.ts';

type Body<T> = T extends unknown ? Omit<T, 'seq' | 'ms'> : never;

export interface DoorFirmwareOptions {
  gateId: string;
  /** Device end of the pty pair. */
  path: string;
  /** Device clock in ms (u32 on the wire); uptime by default, the simulation's clock when driven by it. */
  clock?: () => number;
  heartbeatMs?: number;
}

/**
 * Emulates a door/turnstile controller on the device end of a pty, speaking docs/gate-protocol.md:
 * passage and door-state sentences, a heartbeat with passage totals every second, OPEN and QUERY
 * answered. Faults on request: line noise, half sentences, corrupted checksums, lost sentences, mute.
 */
export class DoorFirmware {
  door: DoorState = 'closed';
  passIn = 0;
  passOut = 0;
  /** When true, commands are read but never answered (for timeout tests). */
  mute = false;
  opens = 0;
  rxErrors = 0;
  private port: SerialPort | undefined;
  private lines: LineParser | undefined;
  private sentences: SentenceParser | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private nextHeartbeat = 0;
  private closeAt: number | undefined;
  private corruptNext = 0;
  private skipNext = 0;
  private readonly boot = performance.now();
  private readonly clock: () => number;

  constructor(private readonly opts: DoorFirmwareOptions) {
    this.clock = opts.clock ?? (() => performance.now() - this.boot);
  }

  get attached(): boolean {
    return this.port?.isOpen === true;
  }

  async attach(): Promise<void> {
    const port = await openDeviceEnd(this.opts.path, 115200);
    const lines = new LineParser({ maxLength: MAX_SENTENCE, lineTimeoutMs: 250 });
    const sentences = new SentenceParser();
    port.pipe(lines).pipe(sentences);
    sentences.on('data', (s: Sentence) => this.onHost(s));
    port.once('close', () => this.stop());
    this.port = port;
    this.lines = lines;
    this.sentences = sentences;
    this.nextHeartbeat = this.clock();
    this.timer = setInterval(() => this.tick(), 10);
  }

  async detach(): Promise<void> {
    this.stop();
    const port = this.port;
    this.port = undefined;
    await closeDeviceEnd(port);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const l = this.lines?.counters;
    const s = this.sentences?.counters;
    if (l && s) this.rxErrors += l.nonPrintable + l.overlong + s.badChecksums + s.malformed;
    this.lines = undefined;
    this.sentences = undefined;
  }

  /** A person went through; `false` when the controller is not attached (the passage is still counted). */
  passage(direction: 'in' | 'out'): boolean {
    if (direction === 'in') this.passIn++;
    else this.passOut++;
    return this.send({ type: 'passage', direction });
  }

  /** Door state change seen by the door sensor (e.g. forced open). */
  setDoor(state: DoorState): void {
    if (this.door === state) return;
    this.door = state;
    this.send({ type: 'door', state });
  }

  // ---------- fault injection ----------

  injectGarbage(n: number): void {
    this.port?.write(randomBytes(n));
  }
  writePartial(text: string): void {
    this.port?.write(text, 'latin1');
  }
  writeRaw(b: Buffer | string): void {
    this.port?.write(b);
  }
  /** The next `n` sentences go out with a wrong checksum. */
  corruptChecksum(n = 1): void {
    this.corruptNext += n;
  }
  /** The next `n` sentences are built (seq used) and never sent: lost on the wire. */
  skipSentences(n: number): void {
    this.skipNext += n;
  }

  private send(body: Body<DeviceSentence>): boolean {
    const s = { ...body, seq: this.seq, ms: Math.floor(this.clock()) >>> 0 } as DeviceSentence;
    this.seq = (this.seq + 1) & 0xffff;
    const port = this.port;
    if (!port?.isOpen) return false;
    if (this.skipNext > 0) {
      this.skipNext--;
      return true;
    }
    let line = encodeSentence(s);
    if (this.corruptNext > 0) {
      this.corruptNext--;
      // One character of the body changed after the checksum was computed, as line noise would.
      line = `${line.slice(0, 3)}${line[3] === 'X' ? 'Y' : 'X'}${line.slice(4)}`;
    }
    port.write(line, 'latin1');
    return true;
  }

  private tick(): void {
    const now = this.clock();
    if (this.closeAt !== undefined && now >= this.closeAt) {
      this.closeAt = undefined;
      this.setDoor('closed');
    }
    if (now >= this.nextHeartbeat) {
      this.nextHeartbeat = now + (this.opts.heartbeatMs ?? 1000);
      this.send({
        type: 'heartbeat',
        gateId: this.opts.gateId,
        passIn: this.passIn,
        passOut: this.passOut,
        door: this.door,
      });
    }
  }

  private onHost(s: Sentence): void {
    if (this.mute) return;
    if (s.type === 'open') {
      this.opens++;
      this.send({ type: 'ack', req: s.req, result: 'ok' });
      this.setDoor('open');
      this.closeAt = this.clock() + s.holdMs;
    } else if (s.type === 'query') {
      this.send({ type: 'status', req: s.req, door: this.door, passIn: this.passIn, passOut: this.passOut });
    } else {
      this.rxErrors++;
    }
  }
}
