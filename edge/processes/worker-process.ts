import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RestartPolicy } from './config.ts';
import { SUPERVISOR_PID_ENV } from './parent-guard.ts';
import type { WorkerEvent } from './reporter.ts';
import { RestartLimiter } from './restart-limiter.ts';

/** The CLI entry every process is started through: `node bin/walkout.mjs <command> <args…>`. */
export const WALKOUT_BIN = fileURLToPath(new URL('../../bin/walkout.mjs', import.meta.url));

export interface WorkerSpec {
  name: string;
  deviceId: string;
  /** Subcommand and its arguments. */
  argv: string[];
  env: Record<string, string>;
  restart: 'on-failure' | 'always' | 'never';
  policy: RestartPolicy;
}

export type WorkerState = 'idle' | 'running' | 'backoff' | 'failed' | 'exited' | 'stopped';

/**
 * One supervised child process. Exits it did not ask for are crashes: restarted after a backoff
 * until the rate cap is hit, then left down as `failed`. Nothing here throws into the supervisor.
 */
export class WorkerProcess {
  state: WorkerState = 'idle';
  starts = 0;
  private child: ChildProcess | undefined;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly limiter: RestartLimiter;

  constructor(
    readonly spec: WorkerSpec,
    private readonly report: (e: WorkerEvent) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.limiter = new RestartLimiter(spec.policy);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.state === 'running' || this.state === 'stopped') return;
    this.timer = undefined;
    this.starts++;
    this.startedAt = this.now();
    const child = spawn(process.execPath, [WALKOUT_BIN, ...this.spec.argv], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        ...this.spec.env,
        WALKOUT_PROCESS: this.spec.deviceId,
        [SUPERVISOR_PID_ENV]: String(process.pid),
      },
    });
    this.child = child;
    this.state = 'running';
    let ended = false;
    const end = (exit: string, clean: boolean) => {
      if (ended) return;
      ended = true;
      this.onExit(child, exit, clean);
    };
    // 'error' without 'exit' means the spawn itself failed (e.g. the executable vanished).
    child.once('error', (err) => {
      if (child.pid === undefined) end(`failed to start (${err.message})`, false);
    });
    child.once('exit', (code, signal) =>
      end(signal ? `killed by ${signal}` : `exited with code ${code ?? '?'}`, code === 0),
    );
    const base = { worker: this.spec.name, deviceId: this.spec.deviceId, starts: this.starts };
    this.report({ ...base, event: 'started', ...(child.pid !== undefined ? { pid: child.pid } : {}) });
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once the process is gone. */
  async stop(timeoutMs: number): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    if (this.timer) clearTimeout(this.timer);
    const child = this.child;
    if (!wasRunning || !child || child.exitCode !== null || child.signalCode !== null) return;
    // Not events.once: it would reject on an 'error' event (a failed kill) and abort the shutdown.
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      await gone;
    } finally {
      clearTimeout(killer);
    }
  }

  private onExit(child: ChildProcess, exit: string, clean: boolean): void {
    if (child !== this.child) return;
    const base = {
      worker: this.spec.name,
      deviceId: this.spec.deviceId,
      starts: this.starts,
      ...(child.pid !== undefined ? { pid: child.pid } : {}),
    };
    if (this.state === 'stopped') {
      this.report({ ...base, event: 'stopped', exit });
      return;
    }
    const now = this.now();
    const ranMs = now - this.startedAt;
    if (this.spec.restart === 'never' || (clean && this.spec.restart === 'on-failure')) {
      this.state = 'exited';
      this.report({ ...base, event: 'exited', exit });
      return;
    }
    const d = this.limiter.onCrash(now, ranMs);
    if (!d.restart) {
      this.state = 'failed';
      this.report({
        ...base,
        event: 'failed',
        exit,
        ranMs,
        restartsInWindow: d.restartsInWindow,
        windowMs: this.spec.policy.windowMs,
      });
      return;
    }
    this.state = 'backoff';
    this.report({
      ...base,
      event: 'crashed',
      exit,
      ranMs,
      delayMs: d.delayMs,
      restartsInWindow: d.restartsInWindow,
    });
    this.timer = setTimeout(() => this.start(), d.delayMs);
  }
}
