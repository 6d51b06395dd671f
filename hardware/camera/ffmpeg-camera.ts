import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, type Logger } from '../../core/log.ts';
import type { DeviceStatus } from '../../core/messages.ts';
import type { CameraConfig } from './config.ts';
import { DecoderLog, ffmpegArgs, StreamTiming } from './decoder-output.ts';
import { CameraClosedError, CameraTimeoutError } from './errors.ts';
import { type CameraFrame, FrameRing, type FrameSlot, RawFrameAssembler } from './frame-ring.ts';
import type { Camera, CameraMetrics, CameraSink, CameraState } from './index.ts';

/**
 * One camera decoded by an ffmpeg child: input arguments per kind, then scaled to the configured size
 * and written as raw rgb24 to stdout, cut into frames by RawFrameAssembler. When ffmpeg exits (stream
 * gone, not up yet, killed) or stalls, it is started again with doubling backoff, reset by a run that
 * delivered frames.
 */
export class FfmpegCamera implements Camera {
  readonly metrics: CameraMetrics = {
    frames: 0,
    dropped: 0,
    partialFrames: 0,
    connects: 0,
    reconnects: 0,
    failedAttempts: 0,
    disconnects: 0,
    stalls: 0,
    fps: 0,
    lagMs: 0,
  };
  readonly width: number;
  readonly height: number;
  private readonly ring: FrameRing;
  private readonly log: Logger;
  private _state: CameraState = 'idle';
  private child: ChildProcess | undefined;
  private readonly abort = new AbortController();
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private seqBase = 0;
  private reported: DeviceStatus['status'] | undefined;
  private loop: Promise<void> | undefined;
  private readonly timing = new StreamTiming();
  private readonly frameListeners = new Set<(frame: CameraFrame) => void>();
  private readonly statusListeners = new Set<(status: DeviceStatus) => void>();

  constructor(
    private readonly cfg: CameraConfig,
    private readonly inputArgs: string[],
    private readonly sink?: CameraSink,
    private readonly now: () => number = Date.now,
  ) {
    [this.width, this.height] = cfg.size;
    this.ring = new FrameRing(cfg.cameraId, this.width, this.height, cfg.ringSize);
    this.log = createLogger('hardware.camera', { cameraId: cfg.cameraId });
  }

  get cameraId(): string {
    return this.cfg.cameraId;
  }

  get state(): CameraState {
    return this._state;
  }

  private get closed(): boolean {
    return this._state === 'closed';
  }

  onFrame(listener: (frame: CameraFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onStatus(listener: (status: DeviceStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  get decoderPid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined;
  }

  start(): void {
    if (this.loop || this._state === 'closed') return;
    this._state = 'connecting';
    this.loop = this.runLoop().catch((err: unknown) => this.log.error({ err }, 'camera loop failed'));
  }

  waitStreaming(timeoutMs = 30_000): Promise<void> {
    if (this._state === 'streaming') return Promise.resolve();
    if (this._state === 'closed')
      return Promise.reject(new CameraClosedError(`camera ${this.cameraId} is closed`));
    return new Promise((resolve, reject) => {
      const w = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        reject(new CameraTimeoutError(`camera ${this.cameraId}: no frames within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  private async runLoop(): Promise<void> {
    let delay = this.cfg.reconnect.initialMs;
    while (!this.closed) {
      const delivered = await this.runOnce();
      if (this.closed) return;
      this._state = 'connecting';
      if (delivered > 0) delay = this.cfg.reconnect.initialMs;
      this.log.debug({ delay }, 'decoder ended, retrying');
      try {
        await sleep(delay, undefined, { signal: this.abort.signal });
      } catch {
        return; // closed while waiting
      }
      delay = Math.min(delay * 2, this.cfg.reconnect.maxMs);
    }
  }

  /** One ffmpeg run; resolves with the frames it delivered once the process and its pipes closed. */
  private runOnce(): Promise<number> {
    const proc = spawn(this.cfg.ffmpeg, ffmpegArgs(this.cfg.size, this.inputArgs), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = proc;
    const asm = new RawFrameAssembler(this.ring, this.now, () => this.metrics.dropped++);
    const started = this.now();
    let delivered = 0;
    let lastFrameAt = started;
    const log = new DecoderLog();
    createInterface({ input: proc.stderr }).on('line', (line) => log.line(line));
    proc.stdout.pipe(asm);
    asm.on('data', (slot: FrameSlot) => {
      lastFrameAt = slot.t;
      if (delivered++ === 0) this.onConnected();
      slot.pts = log.ptsOf(slot.index);
      slot.seq = this.seqBase + slot.index;
      this.deliver(slot);
    });
    const stall = setInterval(
      () => {
        // Connecting (probe, server preroll) legitimately takes longer than a gap between frames.
        const limit = delivered > 0 ? this.cfg.stallMs : this.cfg.connectTimeoutMs;
        if (this.now() - lastFrameAt <= limit || proc.exitCode !== null) return;
        this.metrics.stalls++;
        this.log.warn({ limit, delivered }, 'no frame in time, restarting decoder');
        proc.kill('SIGKILL');
      },
      Math.min(500, this.cfg.stallMs / 2, this.cfg.connectTimeoutMs / 2),
    );
    return new Promise((resolve) => {
      let done = false;
      const finish = (why: string): void => {
        if (done) return;
        done = true;
        clearInterval(stall);
        this.child = undefined;
        this.metrics.partialFrames += asm.partial;
        this.seqBase += asm.index;
        this.timing.reset();
        this.metrics.fps = 0;
        const detail = log.detail(why);
        if (this.closed) this.log.debug({ delivered }, 'decoder stopped');
        else if (delivered > 0) {
          this.metrics.disconnects++;
          this.log.warn({ delivered, detail }, 'stream ended');
        } else {
          this.metrics.failedAttempts++;
          this.log.debug({ detail }, 'connect failed');
        }
        if (!this.closed) this.report('down', detail);
        resolve(delivered);
      };
      proc.once('error', (err) => finish(`cannot run ${this.cfg.ffmpeg}: ${err.message}`));
      proc.once('close', (code, signal) => finish(`ffmpeg exited (${signal ?? code})`));
    });
  }

  private onConnected(): void {
    this.metrics.connects++;
    if (this.metrics.connects > 1) this.metrics.reconnects++;
    this._state = 'streaming';
    this.log.info({ connects: this.metrics.connects }, 'stream up');
    this.report('up');
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private deliver(slot: FrameSlot): void {
    this.metrics.frames++;
    this.timing.frame(slot.t, slot.pts);
    this.metrics.fps = this.timing.fps;
    this.metrics.lagMs = this.timing.lagMs;
    for (const listener of this.frameListeners) {
      try {
        listener(slot);
      } catch (err) {
        // A consumer's bug must not take the camera down.
        this.log.error({ err }, 'frame listener threw');
      }
    }
    slot.release(); // the assembler's hold; consumers that retained keep theirs
  }

  private report(status: DeviceStatus['status'], detail?: string): void {
    if (this.reported === status) return;
    this.reported = status;
    const msg: DeviceStatus = {
      deviceId: this.cameraId,
      kind: 'camera',
      t: this.now(),
      status,
      ...(detail ? { detail } : {}),
    };
    for (const listener of this.statusListeners) listener(msg);
    this.sink?.publish('device.status', msg);
  }

  async close(): Promise<void> {
    if (this._state === 'closed') return;
    this._state = 'closed';
    this.abort.abort();
    for (const w of this.waiters.splice(0)) w.reject(new CameraClosedError(`camera ${this.cameraId} closed`));
    const proc = this.child;
    if (proc && proc.exitCode === null) {
      const gone = new Promise<void>((resolve) => proc.once('close', () => resolve()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 2000);
      await gone;
      clearTimeout(t);
    }
    await this.loop;
  }
}
