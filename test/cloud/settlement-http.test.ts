import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningCloud } from '../../cloud/index.ts';
import { edgePost, enter, receipt, startCloud, tempDir } from './cloud-fixture.ts';

describe('cloud settlement over HTTP (local ledger)', () => {
  let cloud: RunningCloud;
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    tmp = tempDir();
    cloud = await startCloud(`${tmp.dir}/cloud.db`);
  });
  afterEach(async () => {
    await cloud.close();
    tmp.cleanup();
  });

  it('settles a cart once, however often it is delivered, with exact amounts', async () => {
    const { entry } = await enter(cloud, 's-1');
    expect(entry).toEqual({ status: 200, body: { accountId: expect.any(String), hold: true } });
    const cart = receipt('s-1', [
      ['cola-330', 3],
      ['crisps-salt', 1],
    ]);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => edgePost(cloud.url, '/v1/stores/demo/carts', cart)),
    );
    const settled = results.map((r) => r.body.state);
    expect(settled).toEqual(['settled', 'settled', 'settled', 'settled', 'settled']);
    expect(results.map((r) => r.body.totalMinor)).toEqual(Array(5).fill(3 * 129 + 199));
    const db = (cloud.service.storage as unknown as { db: import('better-sqlite3').Database }).db;
    const captured = db
      .prepare("SELECT SUM(captured) AS c, COUNT(*) AS n FROM ledger_intents WHERE status = 'succeeded'")
      .get() as { c: number; n: number };
    expect(captured).toEqual({ c: 3 * 129 + 199, n: 1 });
    // The signed receipt link shows the itemised receipt; a forged one is refused.
    const url = String(results[0]?.body.receiptUrl).replace('/receipts/', '/v1/receipts/');
    const rec = (await (await fetch(`${cloud.url}${url}`)).json()) as {
      priced: { totalMinor: number; lines: unknown[] };
    };
    expect(rec.priced.totalMinor).toBe(586);
    expect(rec.priced.lines).toHaveLength(2);
    expect((await fetch(`${cloud.url}/v1/receipts/s-1?sig=forged`)).status).toBe(401);
  });

  it('rejects bad signatures, stale timestamps, malformed carts and unknown SKUs', async () => {
    await enter(cloud, 's-2');
    const cart = receipt('s-2', [['cola-330', 1]]);
    expect((await edgePost(cloud.url, '/v1/stores/demo/carts', cart, { secret: 'wrong' })).status).toBe(401);
    expect(
      (await edgePost(cloud.url, '/v1/stores/demo/carts', cart, { ts: Date.now() - 3_600_000 })).status,
    ).toBe(401);
    const bad = await edgePost(cloud.url, '/v1/stores/demo/carts', {
      ...cart,
      lines: [{ sku: 'cola-330', quantity: 0, evidence: [] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain('lines[0].quantity');
    const unknown = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('s-2', [['no-such-sku', 1]]));
    expect(unknown.status).toBe(422);
    expect(cloud.service.storage.settlement('s-2')?.state).toBe('review');
  });

  it('parks review carts until an operator releases them, then settles exactly once', async () => {
    await enter(cloud, 's-3');
    const parked = await edgePost(
      cloud.url,
      '/v1/stores/demo/carts',
      receipt('s-3', [['cola-330', 2]], 'review'),
    );
    expect(parked).toMatchObject({ status: 202, body: { state: 'review' } });
    const edited = receipt('s-3', [['cola-330', 1]]);
    const release = () => edgePost(cloud.url, '/v1/stores/demo/carts/s-3/release', edited);
    const [a, b] = await Promise.all([release(), release()]);
    expect([a.body.state, b.body.state]).toEqual(['settled', 'settled']);
    expect(a.body.totalMinor).toBe(129);
  });

  it('cancels the hold for an empty cart and blocks accounts whose payment failed', async () => {
    await enter(cloud, 's-4');
    const empty = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('s-4', []));
    expect(empty.body).toMatchObject({ state: 'settled', totalMinor: 0 });
    const { acc } = await enter(cloud, 's-5', 'pm_decline');
    const r = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('s-5', [['cola-330', 1]]));
    expect(r.body.state).toBe('unpaid');
    expect(cloud.service.storage.account(acc.id)?.blocked).toBe(true);
    const token = await fetch(`${cloud.url}/v1/accounts/${acc.id}/entry-tokens?store=demo`, {
      method: 'POST',
    });
    expect(token.status).toBe(403);
  });

  it('protects entry tokens against replay and serves an OpenAPI document', async () => {
    const { token } = await enter(cloud, 's-6');
    const again = await edgePost(cloud.url, '/v1/stores/demo/entries', {
      sessionId: 's-7',
      token,
      enteredAt: Date.now(),
    });
    expect(again.status).toBe(409);
    const doc = (await (await fetch(`${cloud.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toContain('/v1/stores/{storeId}/carts');
    const metrics = await (await fetch(`${cloud.url}/metrics`)).text();
    expect(metrics).toContain('walkout_cloud_requests_total');
  });
});

describe('coupons and loyalty at checkout', () => {
  it('applies an account coupon once and redeems loyalty points when the shopper opted in', async () => {
    const tmp = tempDir();
    const cloud = await startCloud(`${tmp.dir}/c.db`);
    try {
      const { acc } = await enter(cloud, 'L1');
      const post = (path: string, body: unknown, method = 'POST') =>
        fetch(`${cloud.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect(
        (await post(`/v1/accounts/${acc.id}/coupons`, { code: 'C1', label: '1.00 off', amountMinor: 100 }))
          .status,
      ).toBe(201);
      const bad = await post(`/v1/accounts/${acc.id}/coupons`, {
        code: 'C2',
        label: 'both',
        amountMinor: 1,
        percent: 5,
      });
      expect(bad.status).toBe(400);
      const first = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('L1', [['oil-olive', 2]]));
      // 2 × 6.99 − 1.00 coupon = 12.98; 12 points earned.
      expect(first.body).toMatchObject({ state: 'settled', totalMinor: 1298 });
      expect(cloud.service.storage.account(acc.id)?.loyaltyPoints).toBe(12);
      expect(cloud.service.storage.unusedCoupons(acc.id)).toEqual([]);
      expect((await post(`/v1/accounts/${acc.id}/preferences`, { redeemLoyalty: true }, 'PUT')).status).toBe(
        200,
      );
      const { token } = cloud.service.issueEntryToken(acc.id, 'demo');
      await edgePost(cloud.url, '/v1/stores/demo/entries', { sessionId: 'L2', token, enteredAt: Date.now() });
      const second = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('L2', [['oil-olive', 1]]));
      // 6.99 − 12 points (0.12): the coupon is not applied again.
      expect(second.body).toMatchObject({ state: 'settled', totalMinor: 687 });
      expect(cloud.service.storage.account(acc.id)?.loyaltyPoints).toBe(6);
    } finally {
      await cloud.close();
      tmp.cleanup();
    }
  });
});
