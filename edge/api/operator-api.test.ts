import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Receipt } from '../../core/receipt.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { InProcessBus } from '../bus/index.ts';
import {
  applyReview,
  createOperators,
  DEMO_OPERATORS,
  type OperatorApi,
  OperatorDb,
  startOperatorApi,
} from './index.ts';

const store = loadStore('demo');
const dir = mkdtempSync(join(tmpdir(), 'walkout-opapi-'));
const bus = new InProcessBus();
const released: Receipt[] = [];
let api: OperatorApi;

const receipt = (sessionId: string, status: Receipt['status'] = 'review'): Receipt => ({
  version: 1,
  storeId: store.id,
  sessionId,
  token: `tok-${sessionId}-xyz`,
  enteredAt: 1000,
  exitedAt: 5000,
  finalisedAt: 6000,
  status,
  confidence: 0.4,
  reviewReasons: ['ambiguous'],
  lines: [
    { sku: 'cola-330', quantity: 2, evidence: [] },
    { sku: 'peanuts', quantity: 1, evidence: [] },
  ],
});

async function call(path: string, init: { method?: string; body?: unknown; cookie?: string } = {}) {
  const res = await fetch(`${api.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.cookie ? { cookie: init.cookie } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return {
    status: res.status,
    json: (await res.json().catch(() => null)) as Record<string, unknown> | null,
    cookie: res.headers.get('set-cookie'),
  };
}
async function login(i: 0 | 1): Promise<string> {
  const u = DEMO_OPERATORS[i];
  const r = await call('/api/login', {
    method: 'POST',
    body: { username: u.username, password: u.password },
  });
  expect(r.status).toBe(200);
  return (r.cookie ?? '').split(';')[0] as string;
}

beforeAll(async () => {
  const dbPath = join(dir, 'ops.db');
  createOperators(dbPath, DEMO_OPERATORS);
  api = await startOperatorApi({ bus, store, dbPath, port: 0, onRelease: (r) => void released.push(r) });
}, 60_000);
afterAll(async () => {
  await api.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('operator API', () => {
  it('rejects malformed input naming the field, wrong passwords and missing sessions', async () => {
    const bad = await call('/api/login', { method: 'POST', body: { username: 'reviewer', password: 1 } });
    expect(bad.status).toBe(400);
    expect(String(bad.json?.error)).toContain('password');
    const extra = await call('/api/login', {
      method: 'POST',
      body: { username: 'a', password: 'b', admin: true },
    });
    expect(extra.status).toBe(400);
    expect(String(extra.json?.error)).toContain('admin');
    expect(
      (await call('/api/login', { method: 'POST', body: { username: 'reviewer', password: 'nope' } })).status,
    ).toBe(401);
    expect((await call('/api/sessions')).status).toBe(401);
    expect((await call('/api/sessions', { cookie: 'wo_op=forged' })).status).toBe(401);
  });

  it('expires login sessions', async () => {
    let now = 1_000_000;
    const db = new OperatorDb(join(dir, 'expiry.db'), 60_000, () => now);
    db.upsertOperator('x', 'secret-pw', 'viewer');
    const s = await db.login('x', 'secret-pw');
    expect(db.authenticate(s.token)).toEqual({ username: 'x', role: 'viewer' });
    now += 60_001;
    expect(() => db.authenticate(s.token)).toThrow(/expired/);
    db.close();
  });

  it('lets only reviewers release, audits every decision, and releases a cart once', async () => {
    bus.publish('edge.session', { sessionId: 'R1', token: 'tok-R1-xyz', t: 1000, state: 'open', members: 1 });
    bus.publish('edge.receipt', receipt('R1'));
    const viewer = await login(1);
    const reviewer = await login(0);
    const queue = await call('/api/review', { cookie: viewer });
    expect((queue.json as unknown as Array<{ sessionId: string }>).map((s) => s.sessionId)).toEqual(['R1']);
    const body = {
      reason: 'checked camera',
      lines: [
        { sku: 'cola-330', quantity: 1 },
        { sku: 'pretzels', quantity: 1, fromSku: 'peanuts' },
      ],
    };
    expect((await call('/api/review/R1/release', { method: 'POST', body, cookie: viewer })).status).toBe(403);
    const noReason = await call('/api/review/R1/release', {
      method: 'POST',
      body: { ...body, reason: '' },
      cookie: reviewer,
    });
    expect(noReason.status).toBe(400);
    expect(String(noReason.json?.error)).toContain('reason');
    const unknown = await call('/api/review/R1/release', {
      method: 'POST',
      body: { reason: 'x y z', lines: [{ sku: 'caviar', quantity: 1 }] },
      cookie: reviewer,
    });
    expect(unknown.status).toBe(400);
    expect((await call('/api/review/R1/release', { method: 'POST', body, cookie: reviewer })).status).toBe(
      200,
    );
    expect((await call('/api/review/R1/release', { method: 'POST', body, cookie: reviewer })).status).toBe(
      404,
    );
    expect(released).toHaveLength(1);
    expect(released[0]?.status).toBe('charge');
    expect(released[0]?.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['cola-330', 1],
      ['pretzels', 1],
    ]);
    const audit = api.db.auditLog().filter((a) => a.sessionId === 'R1');
    expect(audit.map((a) => a.action).sort()).toEqual(['change-product', 'change-quantity', 'release']);
    expect(audit.every((a) => a.operator === 'reviewer' && a.reason === 'checked camera')).toBe(true);
    expect(api.db.markReleased('R1', '{}')).toBe(false);
    // A restarted dashboard reads releases from SQLite: the re-sent receipt is not queued again.
    const bus2 = new InProcessBus();
    const again = await startOperatorApi({ bus: bus2, store, dbPath: join(dir, 'ops.db'), port: 0 });
    try {
      bus2.publish('edge.receipt', receipt('R1'));
      expect(again.state.reviewQueue()).toEqual([]);
      expect(again.state.sessions.get('R1')?.released).toBe(true);
    } finally {
      await again.close();
      await bus2.close();
    }
  });

  it('applyReview keeps evidence with its line and drops removed lines', () => {
    const r = receipt('X');
    r.lines[0]?.evidence.push({
      eventId: 'E',
      kind: 'take',
      plates: ['p'],
      t0: 1,
      t1: 2,
      deltaGrams: -700,
      quantity: 2,
      hypothesisProb: 1,
      associationProb: 0.5,
    });
    const out = applyReview(r, [
      { sku: 'cola-330', quantity: 0 },
      { sku: 'lemon-330', quantity: 2, fromSku: 'cola-330' },
    ]);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]?.sku).toBe('lemon-330');
    expect(out.lines[0]?.evidence[0]?.eventId).toBe('E');
  });

  it('derives low-stock, misplaced-item, device and unpaid-exit alerts and inventory from the bus', async () => {
    const facing = store.config.planogram[0];
    if (!facing) throw new Error('no planogram');
    const unit = store.product(facing.sku)?.weight.meanGrams ?? 1;
    for (const [i, p] of facing.plates.entries())
      bus.publish('shelf.samples', {
        plateId: p,
        seq: 0,
        t0: 1000,
        periodMs: 10,
        grams: [i === 0 ? unit : 0],
      });
    const inv = api.state.inventory().find((r) => r.sku === facing.sku);
    expect(inv?.units).toBe(1);
    const other = store.config.planogram.find((f) => f.sku !== facing.sku);
    bus.publish('edge.shelf-event', {
      id: 'M1',
      t0: 2000,
      t1: 2500,
      plates: [{ plateId: other?.plates[0] as string, deltaGrams: unit }],
      deltaGrams: unit,
      hypotheses: [{ sku: facing.sku, count: 1, kind: 'return', prob: 0.9 }],
      candidates: [],
      sessionId: null,
    });
    bus.publish('device.status', { deviceId: 'cam-3', kind: 'camera', t: 3000, status: 'down' });
    bus.publish('edge.receipt', receipt('U1'));
    const kinds = api.state.alerts.map((a) => a.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['low-stock', 'misplaced-item', 'camera-down', 'unpaid-exit']),
    );
  });

  it('refuses the WebSocket without a session, pushes changes with one, rejects bad client messages', async () => {
    const anon = new WebSocket(`${api.url.replace('http', 'ws')}/ws`);
    const code = await new Promise<string>((resolve) => anon.on('error', (e) => resolve(e.message)));
    expect(code).toContain('401');
    const ws = new WebSocket(`${api.url.replace('http', 'ws')}/ws`, { headers: { cookie: await login(1) } });
    const got: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => got.push(JSON.parse(String(d))));
    await new Promise((r) => ws.on('open', r));
    ws.send('{"type":"hack"}');
    bus.publish('edge.session', { sessionId: 'W1', token: 'tok-W1-abc', t: 9000, state: 'open', members: 2 });
    bus.publish('edge.tracks', {
      t: 9000,
      tracks: [{ trackId: 'T', sessionId: 'W1', position: [2, 3], wrists: [] }],
    });
    await expect
      .poll(() => got.map((m) => m.type))
      .toEqual(expect.arrayContaining(['hello', 'error', 'changed', 'tracks']));
    expect(got.find((m) => m.type === 'tracks')).toMatchObject({
      tracks: [{ trackId: 'T', sessionId: 'W1', trail: [[2, 3]] }],
    });
    ws.close();
  });
});
