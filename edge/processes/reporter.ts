import { Counter, Gauge, Registry } from 'prom-client';
import { createLogger } from '../../core/log.ts';
import type { DeviceStatus } from '../../core/messages.ts';
import type { Bus } from '../bus/index.ts';

const log = createLogger('edge.processes');

/** What happened to one supervised process; `deviceId` is "<box>/<name>". */
export type WorkerEvent = { worker: string; deviceId: string; pid?: number; starts: number } & (
  | { event: 'started' }
  | { event: 'crashed'; exit: string; ranMs: number; delayMs: number; restartsInWindow: number }
  | { event: 'failed'; exit: string; ranMs: number; restartsInWindow: number; windowMs: number }
  | { event: 'exited'; exit: string }
  | { event: 'stopped'; exit: string }
);

/**
 * Turns process events into the three places an operator looks: `device.status` (kind `worker`) and
 * `edge.alert` (kind `worker-restart`) on the bus, structured log lines, and prom-client metrics.
 */
export class WorkerReporter {
  readonly registry = new Registry();
  private readonly starts = new Counter({
    name: 'walkout_worker_starts_total',
    help: 'Processes started by the supervisor, restarts included',
    labelNames: ['worker'],
    registers: [this.registry],
  });
  private readonly crashes = new Counter({
    name: 'walkout_worker_crashes_total',
    help: 'Unexpected exits of supervised processes (signal or non-zero code)',
    labelNames: ['worker'],
    registers: [this.registry],
  });
  private readonly restarts = new Counter({
    name: 'walkout_worker_restarts_total',
    help: 'Restarts scheduled after a crash',
    labelNames: ['worker'],
    registers: [this.registry],
  });
  private readonly up = new Gauge({
    name: 'walkout_worker_up',
    help: '1 while the process runs',
    labelNames: ['worker'],
    registers: [this.registry],
  });
  private readonly failed = new Gauge({
    name: 'walkout_worker_failed',
    help: '1 once the restart rate cap was hit and the process was left down',
    labelNames: ['worker'],
    registers: [this.registry],
  });

  constructor(
    private readonly bus: Pick<Bus, 'publish'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a process so its series exist (at 0) before anything happens to it. */
  track(worker: string): void {
    for (const m of [this.starts, this.crashes, this.restarts]) m.inc({ worker }, 0);
    this.up.set({ worker }, 0);
    this.failed.set({ worker }, 0);
  }

  report(e: WorkerEvent): void {
    const t = this.now();
    const status = (s: DeviceStatus['status'], detail: string) =>
      this.bus.publish('device.status', { deviceId: e.deviceId, kind: 'worker', t, status: s, detail });
    const fields = { ...e };
    switch (e.event) {
      case 'started':
        this.starts.inc({ worker: e.worker });
        this.up.set({ worker: e.worker }, 1);
        log.info(fields, 'worker started');
        status('up', `pid ${e.pid ?? '?'}, start ${e.starts}`);
        return;
      case 'crashed': {
        this.crashes.inc({ worker: e.worker });
        this.restarts.inc({ worker: e.worker });
        this.up.set({ worker: e.worker }, 0);
        const msg = `${e.deviceId} ${e.exit} after ${seconds(e.ranMs)}; restart ${e.restartsInWindow} in ${seconds(e.delayMs)}`;
        log.warn(fields, 'worker crashed, restarting');
        status('degraded', msg);
        this.bus.publish('edge.alert', {
          t,
          kind: 'worker-restart',
          severity: 'warning',
          message: msg,
          ref: e.deviceId,
        });
        return;
      }
      case 'failed': {
        this.crashes.inc({ worker: e.worker });
        this.up.set({ worker: e.worker }, 0);
        this.failed.set({ worker: e.worker }, 1);
        const msg = `${e.deviceId} ${e.exit} after ${seconds(e.ranMs)}; gave up after ${e.restartsInWindow} restarts in ${seconds(e.windowMs)}, left down`;
        log.error(fields, 'worker failed, not restarting');
        status('down', msg);
        this.bus.publish('edge.alert', {
          t,
          kind: 'worker-restart',
          severity: 'critical',
          message: msg,
          ref: e.deviceId,
        });
        return;
      }
      case 'exited':
      case 'stopped':
        this.up.set({ worker: e.worker }, 0);
        log.info(fields, e.event === 'exited' ? 'worker exited' : 'worker stopped');
        status('down', `${e.event}: ${e.exit}`);
        return;
    }
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
