import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ShelfSamples } from '../../core/messages.ts';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { freePort } from '../fixtures/ports.ts';

// Each test binds fresh ports (a terminated proxy releases its sockets asynchronously), picked by the
// OS: random ones could collide with other tests' ephemeral ports. This test is about tcp, the
// transport between boxes, so no unix sockets here.
let endpoints = { publish: '', subscribe: '' };

function child(plateId: string, mode = 'ok'): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'test/bus/publisher-child.ts', endpoints.publish, endpoints.subscribe, plateId, mode],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
    },
  );
}

async function until(cond: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('zeromq bus between edge processes', () => {
  let proxy: { close(): Promise<void> };
  let bus: ZmqBus;
  const children: ChildProcess[] = [];
  beforeEach(async () => {
    const pub = await freePort();
    let sub = await freePort();
    while (sub === pub) sub = await freePort();
    endpoints = { publish: `tcp://127.0.0.1:${pub}`, subscribe: `tcp://127.0.0.1:${sub}` };
    proxy = await startBusProxy(endpoints);
    bus = await ZmqBus.connect(endpoints);
  });
  afterEach(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await bus.close();
    await proxy.close();
  });

  it('carries validated messages across processes and drops malformed frames', async () => {
    const got: ShelfSamples[] = [];
    bus.subscribe('shelf.samples', (m) => got.push(m));
    const c = child('p1', 'garbage');
    children.push(c);
    await until(() => got.length >= 20);
    expect(got.every((m) => m.plateId === 'p1' && m.grams.length === 12)).toBe(true);
    // Sequence numbers arrive in order from one publisher.
    expect(got.slice(1).every((m, i) => m.seq === (got[i] as ShelfSamples).seq + 1)).toBe(true);
    await until(() => bus.counters.invalid >= 2);
    expect(bus.counters.invalid).toBe(2);
    expect(bus.counters.unknownTopic).toBe(0); // not subscribed: filtered by zeromq itself
  });

  it('keeps flowing after a publishing worker is killed with SIGKILL and restarted', async () => {
    const got: ShelfSamples[] = [];
    bus.subscribe('shelf.samples', (m) => got.push(m));
    const first = child('worker');
    children.push(first);
    await until(() => got.length >= 10);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const before = got.length;
    const second = child('worker');
    children.push(second);
    await until(() => got.length >= before + 10);
    // The restarted worker starts its sequence again at 0: a visible restart, not lost data.
    expect(got.slice(before).some((m) => m.seq === 0 || m.seq < 5)).toBe(true);
  });

  it('stops receiving a topic once its last handler unsubscribes', async () => {
    const other = await ZmqBus.connect(endpoints);
    const alerts: string[] = [];
    const sessions: string[] = [];
    const off = bus.subscribe('edge.alert', (m) => alerts.push(m.message));
    bus.subscribe('edge.session', (m) => sessions.push(m.sessionId));
    await new Promise((r) => setTimeout(r, 300));
    const alert = { t: 1, kind: 'other', severity: 'info', message: 'a' } as const;
    other.publish('edge.alert', alert);
    await until(() => alerts.length === 1);
    off();
    await new Promise((r) => setTimeout(r, 500)); // the unsubscription travels to the publisher
    const framesBefore = bus.counters.received;
    for (let i = 0; i < 5; i++) other.publish('edge.alert', alert);
    // One publisher's frames keep their order through the proxy: the session frame comes after them.
    other.publish('edge.session', { sessionId: 's1', token: 't', t: 1, state: 'open', members: 1 });
    await until(() => sessions.length === 1);
    expect(bus.counters.received).toBe(framesBefore + 1);
    expect(alerts).toHaveLength(1);
    await other.close();
  });

  it('delivers between two buses in one process too (several edge boxes on one proxy)', async () => {
    const other = await ZmqBus.connect(endpoints);
    const alerts: string[] = [];
    bus.subscribe('edge.alert', (m) => alerts.push(m.message));
    await new Promise((r) => setTimeout(r, 300));
    other.publish('edge.alert', { t: 1, kind: 'camera-down', severity: 'warning', message: 'cam3 silent' });
    await until(() => alerts.length === 1);
    expect(alerts).toEqual(['cam3 silent']);
    await other.close();
  });
});
