import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceStatus, ShelfEvent } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import { ZmqBus } from '../../edge/bus/index.ts';
import { alive, freePort, type RunningSupervisor, startSupervisorProcess, until } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-boxes-'));
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

describe('two edge boxes on one bus over tcp', () => {
  it("box A's fusion core and operator API receive box B's shelf and gate data; a receipt arrives", async () => {
    const [pubPort, subPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const endpoints = { publish: `tcp://127.0.0.1:${pubPort}`, subscribe: `tcp://127.0.0.1:${subPort}` };
    bus = await ZmqBus.connect(endpoints);
    const receipts: Receipt[] = [];
    const events: ShelfEvent[] = [];
    const statuses: DeviceStatus[] = [];
    bus.subscribe('edge.receipt', (r) => receipts.push(r));
    bus.subscribe('edge.shelf-event', (e) => events.push(e));
    bus.subscribe('device.status', (s) => statuses.push(s));

    // Box A: the proxy (bound on tcp for the other boxes), the fusion core and the operator API.
    const a = startSupervisorProcess(dir, 'box-a', {
      box: 'box-a',
      bus: { ...endpoints, proxy: true },
      processes: [
        { name: 'fusion', command: 'edge', args: ['--store', 'demo', '--db', join(dir, 'edge.db')] },
        {
          name: 'operator-api',
          command: 'operator-api',
          args: [
            '--store',
            'demo',
            '--db',
            join(dir, 'ops.db'),
            '--port',
            String(apiPort),
            '--demo-operators',
          ],
        },
      ],
    });
    sups.push(a);
    await until(
      () =>
        a.lines.some((l) => l.msg === 'edge engine running') &&
        a.text.some((t) => t.includes('operator dashboard')),
      'fusion core and operator API of box A',
      60_000,
    );
    // Children's log lines name their process: their logs share the supervisor's stream.
    expect(a.lines.find((l) => l.msg === 'edge engine running')?.process).toBe('box-a/fusion');
    // Box B joins box A's proxy and runs the store's simulated devices (shelves, cameras, gate).
    const b = startSupervisorProcess(dir, 'box-b', {
      box: 'box-b',
      bus: { ...endpoints, proxy: false },
      processes: [
        {
          name: 'devices',
          command: 'sim',
          args: ['--live', '--preset', 'single', '--duration', '10s', '--speed', '10'],
          bus: 'publish',
          restart: 'never',
          env: { WALKOUT_LOG_LEVEL: 'warn' },
        },
      ],
    });
    sups.push(b);
    await until(() => receipts.length >= 1, 'a receipt from the fusion core', 90_000);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.lines.length).toBeGreaterThan(0);
    // Shelf events exist only if box A's fusion core received box B's shelf.samples.
    expect(events.length).toBeGreaterThan(0);
    expect(statuses.some((s) => s.deviceId === 'box-b/devices' && s.status === 'up')).toBe(true);
    expect(b.events('devices', 'started')).toHaveLength(1);

    // The operator API, its own process on box A, saw the same session end with that receipt.
    const login = await fetch(`http://127.0.0.1:${apiPort}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer', password: 'walkout-view' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const sessions = (await (
      await fetch(`http://127.0.0.1:${apiPort}/api/sessions`, { headers: { cookie } })
    ).json()) as Array<{ sessionId: string; receipt: Receipt | null }>;
    const seen = sessions.find((s) => s.sessionId === receipts[0]?.sessionId);
    expect(seen?.receipt?.lines).toEqual(receipts[0]?.lines);

    // Both boxes stop cleanly; nothing is left running.
    b.child.kill('SIGTERM');
    a.child.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    expect(await a.exited).toBe(0);
    for (const s of sups) for (const l of s.lines) if (l.pid) expect(alive(l.pid)).toBe(false);
  }, 150_000);
});
