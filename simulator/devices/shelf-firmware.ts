import { randomBytes } from 'node:crypto';
import { SerialPort } from 'serialport';
import { encodeFrame } from '../../hardware/shelf/cobs.ts';
import { ShelfFrameParser } from '../../hardware/shelf/frame-parser.ts';
import {
  encodeReply,
  encodeSamples,
  INVALID_COUNTS,
  type RequestFrame,
  type ShelfFrame,
} from '../../hardware/shelf/protocol.ts';
import { answerRequest, type RequestHost } from './firmware-requests.ts';
import { WireFaults } from './wire-faults.ts';

export interface ShelfFirmwareOptions {
  controllerId: string;
  /** Device end of the pty pair. */
  path: string;
  channels: number;
  rateHz?: number;
  /** Per-channel raw counts with nothing on the plate (the load cell's zero offset). */
  offsets?: number[];
  /** Per-channel counts per gram. */
  countsPerGram?: number[];
  /** Raw-count noise (uniform ±noise). */
  noise?: number;
  /**
   * false: no free-running sample timer; frames go out only through `sendGrams`, when a simulation
   * decides what each load cell reads (`walkout sim --live --devices pty`). Default true.
   */
  stream?: boolean;
}

/**
 * Emulates a shelf controller's firmware on the device end of a pty: streams sample frames built
 * from the grams on each plate (grams → counts with a per-channel offset and scale), answers
 * identify/tare/calibrate/set-rate/health exactly as docs/shelf-protocol.md says, and injects faults
 * on request: line noise, dropped bytes, corrupted CRCs, skipped frames, clock jumps, mute.
 */
export class ShelfFirmware {
  readonly grams: number[];
  rateHz: number;
  /** When true, requests are read but never answered (for timeout tests). */
  mute = false;
  framesSent = 0;
  /** Frames a driven controller dropped because nobody was reading (see `sendGrams`). */
  framesDropped = 0;
  rxErrors = 0;
  private port: SerialPort | undefined;
  private parser: ShelfFrameParser | undefined;
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private bootAt = performance.now();
  private clockShift = 0;
  private nextSampleAt = 0;
  private readonly wire = new WireFaults();
  private readonly offsets: number[];
  private readonly cpg: number[];
  private readonly requestHost: RequestHost;

  constructor(private readonly opts: ShelfFirmwareOptions) {
    this.grams = new Array<number>(opts.channels).fill(0);
    this.rateHz = opts.rateHz ?? 60;
    this.offsets = opts.offsets ?? new Array<number>(opts.channels).fill(0);
    this.cpg = opts.countsPerGram ?? new Array<number>(opts.channels).fill(420);
    // The request handler sees the live rate and counters, not copies (set-rate changes the rate).
    const fw = this;
    this.requestHost = {
      get controllerId() {
        return fw.opts.controllerId;
      },
      get channels() {
        return fw.opts.channels;
      },
      get rateHz() {
        return fw.rateHz;
      },
      set rateHz(hz) {
        fw.rateHz = hz;
      },
      uptimeMs: () => fw.deviceMs(),
      get framesSent() {
        return fw.framesSent;
      },
      rxErrors: () => fw.rxErrors + (fw.parser?.counters.crcErrors ?? 0),
      countsOf: (channel) => fw.countsOf(channel),
      reply: (req, status, body) => fw.reply(req, status, body),
    };
  }

  /** Device clock (ms since boot, plus any injected jump), as a u32 would hold it. */
  deviceMs(at = performance.now()): number {
    return Math.floor(at - this.bootAt + this.clockShift) >>> 0;
  }

  countsOf(channel: number): number {
    const noise = this.opts.noise ?? 0;
    return (
      (this.offsets[channel] ?? 0) +
      (this.cpg[channel] ?? 420) * (this.grams[channel] ?? 0) +
      (noise > 0 ? (Math.random() * 2 - 1) * noise : 0)
    );
  }

  /** Opens the device end and starts streaming. */
  async attach(): Promise<void> {
    const port = new SerialPort({ path: this.opts.path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    const parser = new ShelfFrameParser();
    port.pipe(parser);
    parser.on('data', (f: ShelfFrame) => {
      if (f.type === 'request') this.onRequest(f);
    });
    port.on('error', () => {});
    port.once('close', () => this.stopStreaming());
    this.port = port;
    this.parser = parser;
    this.nextSampleAt = performance.now();
    if (this.opts.stream !== false) this.timer = setInterval(() => this.tick(), 4);
  }

  /** Stops streaming and closes the device end (the pty itself belongs to SocatPtyPair). */
  async detach(): Promise<void> {
    this.stopStreaming();
    const port = this.port;
    this.port = undefined;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  private stopStreaming(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.parser) this.rxErrors += this.parser.counters.crcErrors + this.parser.counters.malformed;
    this.parser = undefined;
  }

  // ---------- fault injection ----------

  /** Writes `n` random bytes between frames (line noise). */
  injectGarbage(n: number): void {
    this.port?.write(randomBytes(n));
  }
  /** The next `frames` frames lose a byte in the middle. */
  dropBytes(frames = 1): void {
    this.wire.dropNext += frames;
  }
  /** The next `frames` frames get one payload bit flipped (CRC mismatch). */
  corruptCrc(frames = 1): void {
    this.wire.corruptNext += frames;
  }
  /** The next `n` frames are built and never sent (lost in transit): the host sees a gap of n. */
  skipFrames(n: number): void {
    this.wire.skipNext += n;
  }
  /** Moves the device clock by `deltaMs` (a resync or RTC glitch); negative goes back. */
  jumpClock(deltaMs: number): void {
    this.clockShift += deltaMs;
  }
  /** Writes raw bytes, e.g. half a frame. */
  writeRaw(b: Buffer): void {
    this.port?.write(b);
  }

  /**
   * Sends sample frames, each stamped `deviceMs` with the given grams per channel (null: an invalid
   * ADC reading), converted to counts with this controller's offsets and scales, in one write;
   * false when detached.
   */
  sendGrams(samples: ReadonlyArray<{ deviceMs: number; grams: ReadonlyArray<number | null> }>): boolean {
    const port = this.port;
    if (!port?.isOpen) return false;
    // A UART without flow control loses what nobody reads; do the same instead of queueing frames
    // in memory while the host side is down (e.g. the drivers process restarting).
    if (port.writableLength > 16_384) {
      this.framesDropped += samples.length;
      this.seq = (this.seq + samples.length) >>> 0;
      return true;
    }
    const frames: Buffer[] = [];
    for (const { deviceMs, grams } of samples) {
      const counts: number[] = [];
      for (let ch = 0; ch < this.opts.channels; ch++) {
        const g = grams[ch];
        counts.push(
          g === null || g === undefined
            ? INVALID_COUNTS
            : (this.offsets[ch] ?? 0) + (this.cpg[ch] ?? 420) * g,
        );
      }
      frames.push(
        this.wire.onTheWire(
          encodeSamples({ controllerId: this.opts.controllerId, seq: this.seq, deviceMs, counts }),
        ),
      );
      this.seq = (this.seq + 1) >>> 0;
      this.framesSent++;
    }
    if (frames.length > 0) port.write(Buffer.concat(frames));
    return true;
  }

  private tick(): void {
    const port = this.port;
    if (!port?.isOpen) return;
    const period = 1000 / this.rateHz;
    const now = performance.now();
    // Catch up on every sample due so the rate holds even when timers fire late.
    while (this.nextSampleAt <= now) {
      const counts: number[] = [];
      for (let ch = 0; ch < this.opts.channels; ch++) counts.push(this.countsOf(ch));
      const payload = encodeSamples({
        controllerId: this.opts.controllerId,
        seq: this.seq,
        deviceMs: this.deviceMs(this.nextSampleAt),
        counts,
      });
      this.seq = (this.seq + 1) >>> 0;
      const frame = this.wire.onTheWire(payload);
      this.nextSampleAt += period;
      if (this.wire.skipThis()) continue;
      port.write(frame);
      this.framesSent++;
    }
  }

  private reply(req: RequestFrame, status: number, body: Uint8Array = Buffer.alloc(0)): void {
    this.port?.write(encodeFrame(encodeReply(req.reqId, req.cmd, status, body)));
  }

  private onRequest(req: RequestFrame): void {
    if (this.mute) return;
    answerRequest(this.requestHost, req);
  }
}
