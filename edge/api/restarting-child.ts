import type { ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';

export interface RestartingChildOptions {
  /** Starts (or restarts) the process; called again after every exit until close(). */
  start: () => ChildProcess;
  log: Logger;
  /** First restart delay; doubles per consecutive failure up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
  /** No `alive()` call for this long means the source is stalled: the child is killed (and restarted). */
  stallMs?: number;
}

/**
 * Keeps one ffmpeg child running: restarts it with backoff when it exits for any reason (crash,
 * kill -9, camera unplugged) and kills it when its output stalls (ffmpeg waits forever on a silent
 * RTSP source). A run that produced output resets the backoff.
 */
export class RestartingChild {
  restarts = 0;
  private child: ChildProcess | undefined;
  private closing = false;
  private delay: number;
  private lastAlive = Date.now();
  private produced = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly watchdog: NodeJS.Timeout | undefined;

  constructor(private readonly o: RestartingChildOptions) {
    this.delay = o.minDelayMs ?? 500;
    this.spawn();
    const stall = o.stallMs ?? 15_000;
    this.watchdog = setInterval(
      () => {
        if (this.child && this.child.exitCode === null && Date.now() - this.lastAlive > stall) {
          o.log.warn({ stallMs: stall }, 'no output from ffmpeg: killing it');
          this.lastAlive = Date.now();
          this.child.kill('SIGKILL');
        }
      },
      Math.min(stall, 1000),
    );
    this.watchdog.unref();
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The child produced output (a frame): resets the stall watchdog and, later, the backoff. */
  alive(): void {
    this.lastAlive = Date.now();
    this.produced = true;
  }

  private spawn(): void {
    this.lastAlive = Date.now();
    this.produced = false;
    let child: ChildProcess;
    try {
      child = this.o.start();
    } catch (err) {
      this.o.log.error({ err: (err as Error).message }, 'ffmpeg failed to start');
      this.scheduleRestart();
      return;
    }
    this.child = child;
    child.on('error', (err) => this.o.log.error({ err: err.message }, 'ffmpeg process error'));
    // 'close', not 'exit': a binary that cannot be spawned (ENOENT) emits 'error' and 'close' only.
    child.once('close', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.closing) return;
      this.o.log.warn({ code, signal, restarts: this.restarts + 1 }, 'ffmpeg exited: restarting');
      this.scheduleRestart();
    });
  }

  private scheduleRestart(): void {
    if (this.closing) return;
    this.delay = this.produced ? (this.o.minDelayMs ?? 500) : this.delay;
    const wait = this.delay;
    this.delay = Math.min(this.delay * 2, this.o.maxDelayMs ?? 10_000);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.restarts++;
      this.spawn();
    }, wait);
  }

  /** Stops restarting; SIGTERM, then SIGKILL if ffmpeg has not exited within 2 s. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(kill);
  }
}
