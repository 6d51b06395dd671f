import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert, SessionUpdate } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import { ZmqBus } from '../../edge/bus/index.ts';
import { alive, type RunningSupervisor, startSupervisorProcess, until } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-recover-'));
const sups: RunningSupervisor[] = [];
let bus: ZmqBus | undefined;
afterAll(async () => {
  for (const s of sups) {
    if (s.child.exitCode === null) s.child.kill('SIGKILL');
    for (const l of s.lines) if (l.pid && alive(l.pid)) process.kill(l.pid, 'SIGKILL');
  }
  await bus?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the fusion core killed with SIGKILL in the middle of a visit', () => {
  it('is restarted from its event store and finalises the open session with a receipt', async () => {
    const endpoints = { publish: `ipc://${join(dir, 'pub')}`, subscribe: `ipc://${join(dir, 'sub')}` };
    bus = await ZmqBus.connect(endpoints);
    const receipts: Receipt[] = [];
    const sessions: SessionUpdate[] = [];
    const alerts: Alert[] = [];
    bus.subscribe('edge.receipt', (r) => receipts.push(r));
    bus.subscribe('edge.session', (s) => sessions.push(s));
    bus.subscribe('edge.alert', (a) => alerts.push(a));
    let storeClock = 0;
    bus.subscribe('edge.tracks', (t) => {
      storeClock = Math.max(storeClock, t.t);
    });
    const core = startSupervisorProcess(dir, 'core', {
      box: 'core',
      bus: endpoints,
      restartPolicy: { initialBackoffMs: 100 },
      processes: [
        { name: 'fusion', command: 'edge', args: ['--store', 'demo', '--db', join(dir, 'edge.db')] },
      ],
    });
    sups.push(core);
    await until(() => core.lines.some((l) => l.msg === 'edge engine running'), 'the fusion core', 60_000);
    // The devices run under a second supervisor joining the same bus (they start once the core listens).
    const devices = startSupervisorProcess(dir, 'devices', {
      box: 'devices',
      bus: { ...endpoints, proxy: false },
      processes: [
        {
          name: 'sim',
          command: 'sim',
          // At 2× the visit lasts ~40 s of wall time; a restart of the core costs a few seconds of it.
          args: ['--live', '--preset', 'single', '--duration', '10s', '--speed', '2'],
          bus: 'publish',
          restart: 'never',
          env: { WALKOUT_LOG_LEVEL: 'warn' },
        },
      ],
    });
    sups.push(devices);
    await until(() => sessions.some((s) => s.state === 'open'), 'the shopper to enter', 60_000);
    const open = sessions.find((s) => s.state === 'open') as SessionUpdate;
    // The core snapshots its state every 10 s of store time (checkpointEveryMs): kill it after the
    // first snapshot that holds the open session. What it saw since its last snapshot is lost.
    await until(() => storeClock >= open.t + 10_500, 'a snapshot holding the session', 60_000);
    const pid = core.events('fusion', 'started')[0]?.pid as number;
    process.kill(pid, 'SIGKILL');
    await until(() => core.events('fusion', 'started').length === 2, 'the fusion core to restart');
    await until(
      () => alerts.some((a) => a.kind === 'worker-restart' && a.ref === 'core/fusion'),
      'its alert',
    );
    // The restarted core resumed the session from SQLite and processed the rest of the visit.
    await until(() => receipts.length >= 1, 'the receipt', 90_000);
    expect(receipts.map((r) => r.sessionId)).toEqual([open.sessionId]);
    expect(core.lines.find((l) => l.msg === 'edge engine running' && l.resumedAt)).toBeDefined();
    devices.child.kill('SIGTERM');
    core.child.kill('SIGTERM');
    expect(await devices.exited).toBe(0);
    expect(await core.exited).toBe(0);
  }, 180_000);
});
