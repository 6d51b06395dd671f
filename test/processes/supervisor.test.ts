import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, DeviceStatus } from '../../core/messages.ts';
import { ZmqBus } from '../../edge/bus/index.ts';
import {
  alive,
  freePort,
  type RunningSupervisor,
  startSupervisorProcess,
  superviseFile,
  until,
} from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-supervise-'));
const endpoints = { publish: `ipc://${join(dir, 'pub')}`, subscribe: `ipc://${join(dir, 'sub')}` };
const quiet = { WALKOUT_LOG_LEVEL: 'warn' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('walkout supervise: real processes on a real zeromq proxy', () => {
  let sup: RunningSupervisor;
  let bus: ZmqBus;
  let metricsPort = 0;
  const samples: Array<{ seq: number; plateId: string }> = [];
  const statuses: DeviceStatus[] = [];
  const alerts: Alert[] = [];

  beforeAll(async () => {
    // Subscribe first: zeromq reconnects until the supervisor's proxy binds these endpoints.
    bus = await ZmqBus.connect(endpoints);
    bus.subscribe('shelf.samples', (m) => samples.push({ seq: m.seq, plateId: m.plateId }));
    bus.subscribe('device.status', (m) => statuses.push(m));
    bus.subscribe('edge.alert', (m) => alerts.push(m));
    metricsPort = await freePort();
    sup = startSupervisorProcess(dir, 'box', {
      box: 't1',
      bus: endpoints,
      restartPolicy: { initialBackoffMs: 200, maxRestarts: 3, windowMs: 60_000 },
      shutdownTimeoutMs: 5000,
      metrics: { port: metricsPort },
      processes: [
        {
          name: 'sim',
          command: 'sim',
          args: ['--live', '--preset', 'single', '--duration', '10m', '--speed', '1'],
          bus: 'publish',
          env: quiet,
        },
        {
          // Exits with code 2 at once, every time: a crash loop.
          name: 'broken',
          command: 'edge',
          args: ['--store', 'no-such-store', '--db', join(dir, 'never.db')],
          env: quiet,
          restartPolicy: { maxRestarts: 2, initialBackoffMs: 100 },
        },
      ],
    });
  });

  afterAll(async () => {
    if (sup.child.exitCode === null) sup.child.kill('SIGKILL');
    for (const l of sup.lines) if (l.pid && alive(l.pid)) process.kill(l.pid, 'SIGKILL');
    await bus.close();
  });

  it('reports a crash-looping worker failed at the rate cap while the others keep running', async () => {
    await until(() => sup.events('broken', 'failed').length === 1, 'broken to be marked failed', 60_000);
    expect(sup.events('broken', 'started')).toHaveLength(3); // first start + 2 restarts, then the cap
    expect(sup.events('broken', 'crashed').map((l) => l.delayMs)).toEqual([100, 200]);
    expect(sup.events('broken', 'failed')[0]?.exit).toBe('exited with code 2');
    await until(
      () => alerts.some((a) => a.ref === 't1/broken' && a.severity === 'critical'),
      'critical worker-restart alert on the bus',
    );
    const critical = alerts.find((a) => a.ref === 't1/broken' && a.severity === 'critical');
    expect(critical?.kind).toBe('worker-restart');
    expect(critical?.message).toContain('gave up after 2 restarts');
    await until(
      () => statuses.some((s) => s.deviceId === 't1/broken' && s.status === 'down'),
      'device.status down for broken',
    );
    // It stays down: no start after the failure.
    await new Promise((r) => setTimeout(r, 1000));
    expect(sup.events('broken', 'started')).toHaveLength(3);
    // The simulated shelf keeps publishing after the failure.
    const n = samples.length;
    await until(() => samples.length >= n + 50, 'shelf.samples after the failure');
  }, 90_000);

  it('restarts a worker killed with SIGKILL, reports it on the bus and passes its data on afterwards', async () => {
    await until(() => samples.length >= 100, 'shelf.samples from the simulator');
    const pid = sup.events('sim', 'started')[0]?.pid as number;
    const maxSeqBefore = Math.max(...samples.map((s) => s.seq));
    process.kill(pid, 'SIGKILL');
    await until(
      () =>
        statuses.some((s) => s.deviceId === 't1/sim' && s.status === 'up' && s.detail?.includes('start 2')),
      'device.status up of the restarted sim',
    );
    const degraded = statuses.find((s) => s.deviceId === 't1/sim' && s.status === 'degraded');
    expect(degraded?.kind).toBe('worker');
    expect(degraded?.detail).toContain('killed by SIGKILL');
    const alert = alerts.find((a) => a.ref === 't1/sim');
    expect(alert).toMatchObject({ kind: 'worker-restart', severity: 'warning' });
    expect(sup.events('sim', 'crashed')).toHaveLength(1);
    const newPid = sup.events('sim', 'started')[1]?.pid as number;
    expect(newPid).not.toBe(pid);
    expect(alive(pid)).toBe(false);
    // Data of the new process: it arrives, and its sequence numbers start over.
    const from = samples.length;
    await until(() => samples.length >= from + 100, 'shelf.samples after the restart');
    expect(Math.min(...samples.slice(from).map((s) => s.seq))).toBeLessThan(maxSeqBefore);

    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toContain('walkout_worker_crashes_total{worker="sim"} 1');
    expect(text).toContain('walkout_worker_restarts_total{worker="sim"} 1');
    expect(text).toContain('walkout_worker_starts_total{worker="sim"} 2');
    expect(text).toContain('walkout_worker_up{worker="sim"} 1');
    expect(text).toContain('walkout_worker_crashes_total{worker="broken"} 3');
    expect(text).toContain('walkout_worker_failed{worker="broken"} 1');
    expect(text).toContain('walkout_worker_failed{worker="bus-proxy"} 0');
  }, 90_000);

  it('restarts the bus proxy itself after SIGKILL; every process reconnects and data flows again', async () => {
    const pid = sup.events('bus-proxy', 'started')[0]?.pid as number;
    process.kill(pid, 'SIGKILL');
    await until(() => sup.events('bus-proxy', 'started').length === 2, 'the proxy to restart');
    expect(sup.events('bus-proxy', 'crashed')[0]?.exit).toBe('killed by SIGKILL');
    // zeromq reconnects publishers and subscribers (and resends subscriptions) to the new proxy.
    const from = samples.length;
    await until(() => samples.length >= from + 100, 'shelf.samples through the restarted proxy');
    expect(sup.events('sim', 'started')).toHaveLength(2); // the publisher itself was not restarted
    await until(
      () => alerts.some((a) => a.ref === 't1/bus-proxy'),
      "the proxy's restart alert, published once the bus is back",
    );
  }, 60_000);

  it('stops every child on SIGTERM and leaves no orphan', async () => {
    const pids = sup.lines.filter((l) => l.event === 'started').map((l) => l.pid as number);
    const running = pids.filter(alive);
    expect(running).toHaveLength(2); // the restarted proxy and sim; broken is down
    sup.child.kill('SIGTERM');
    expect(await sup.exited).toBe(0);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(sup.events('sim', 'stopped')[0]?.exit).toBe('killed by SIGTERM');
    expect(sup.events('bus-proxy', 'stopped').at(-1)?.exit).toBe('exited with code 0');
  }, 60_000);
});

describe('walkout supervise killed with SIGKILL', () => {
  it('its children notice they were orphaned and stop themselves', async () => {
    const d = mkdtempSync(join(dir, 'k-'));
    const sup = startSupervisorProcess(d, 'box', {
      bus: { publish: `ipc://${join(d, 'pub')}`, subscribe: `ipc://${join(d, 'sub')}` },
      processes: [
        {
          name: 'sim',
          command: 'sim',
          args: ['--live', '--preset', 'single', '--duration', '10m'],
          bus: 'publish',
          env: quiet,
        },
      ],
    });
    await until(() => sup.events('sim', 'started').length === 1, 'the sim to start');
    const pids = sup.lines.filter((l) => l.event === 'started').map((l) => l.pid as number);
    expect(pids).toHaveLength(2);
    sup.child.kill('SIGKILL');
    await sup.exited;
    try {
      await until(() => pids.every((p) => !alive(p)), 'the orphaned proxy and sim to exit', 15_000);
    } finally {
      for (const p of pids) if (alive(p)) process.kill(p, 'SIGKILL');
    }
  }, 60_000);
});

describe('walkout supervise: config errors', () => {
  it('rejects a config with an unknown key, naming the field, with exit code 2 and nothing started', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'processes:\n  - name: fusion\n    command: edge\n    restrat: always\n');
    const run = superviseFile(bad);
    expect(await run.exited).toBe(2);
    expect(run.text.join('')).toContain('processes[0].restrat: unknown key "restrat"');
    expect(run.lines.filter((l) => l.event === 'started')).toHaveLength(0);
  }, 30_000);
});
