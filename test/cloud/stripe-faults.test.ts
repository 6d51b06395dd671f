import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningCloud, startCloudServer } from '../../cloud/index.ts';
import { Outbox } from '../../edge/outbox/index.ts';
import { freePort } from '../fixtures/ports.ts';
import { StripeMockServer } from '../stripe-mock/stripe-mock-server.ts';
import { edgePost, enter, receipt, SECRET, STORE, tempDir } from './cloud-fixture.ts';

process.env.STRIPE_SECRET_KEY = 'sk_test_walkout';

async function startStripeCloud(dbPath: string, stripePort: number, port = 0): Promise<RunningCloud> {
  return startCloudServer(
    {
      port,
      dbPath,
      payments: 'stripe',
      holdMinor: 1000,
      retryIntervalMs: 100,
      stripe: { host: '127.0.0.1', port: stripePort, protocol: 'http', webhookSecret: 'whsec_test' },
    },
    [{ model: STORE, secret: SECRET }],
    { tokenSecret: 'test-token-secret' },
  );
}

async function until(cond: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('settlement with the Stripe SDK against a Stripe-compatible server', () => {
  let stripe: StripeMockServer;
  let stripePort: number;
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(async () => {
    stripe = new StripeMockServer();
    stripePort = (await stripe.start()).port;
    tmp = tempDir();
  });
  afterEach(async () => {
    await stripe.stop();
    tmp.cleanup();
  });

  it('holds at entry, captures at exit, tops up above the hold and cancels empty carts', async () => {
    const cloud = await startStripeCloud(`${tmp.dir}/c.db`, stripePort);
    try {
      await enter(cloud, 'a');
      await enter(cloud, 'b');
      await enter(cloud, 'c');
      const a = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('a', [['cola-330', 2]]));
      const b = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('b', [['oil-olive', 2]]));
      const c = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('c', []));
      expect([a.body.state, b.body.state, c.body.state]).toEqual(['settled', 'settled', 'settled']);
      const intents = [...stripe.intents.values()];
      const byId = (sid: string) => intents.filter((i) => i.metadata.sessionId === sid);
      expect(byId('a').map((i) => [i.status, i.amount_received])).toEqual([['succeeded', 258]]);
      // 2 × 6.99 = 13.98 > the 10.00 hold: hold captured in full plus a top-up for the difference.
      expect(
        byId('b')
          .map((i) => [i.status, i.amount_received])
          .sort(),
      ).toEqual([
        ['succeeded', 1000],
        ['succeeded', 398],
      ]);
      expect(byId('c').map((i) => i.status)).toEqual(['canceled']);
    } finally {
      await cloud.close();
    }
  });

  it('treats authentication-required as unpaid and blocks the account', async () => {
    const cloud = await startStripeCloud(`${tmp.dir}/c.db`, stripePort);
    try {
      const { acc, entry } = await enter(cloud, 'x', 'pm_card_authenticationRequired');
      expect(entry.body.hold).toBe(false);
      const r = await edgePost(cloud.url, '/v1/stores/demo/carts', receipt('x', [['cola-330', 1]]));
      expect(r.body.state).toBe('unpaid');
      expect(cloud.service.storage.account(acc.id)?.blocked).toBe(true);
    } finally {
      await cloud.close();
    }
  });

  it('retries through Stripe 500s and timeouts with the same idempotency keys: one capture each', async () => {
    const cloud = await startStripeCloud(`${tmp.dir}/c.db`, stripePort);
    try {
      for (const s of ['r1', 'r2', 'r3']) await enter(cloud, s);
      stripe.failNext(4);
      const first = await Promise.all(
        ['r1', 'r2', 'r3'].map((s) =>
          edgePost(cloud.url, '/v1/stores/demo/carts', receipt(s, [['tuna', 1]])),
        ),
      );
      expect(first.some((r) => r.body.state === 'pending')).toBe(true);
      await until(() =>
        ['r1', 'r2', 'r3'].every((s) => cloud.service.storage.settlement(s)?.state === 'settled'),
      );
      expect(stripe.calls.filter((c) => c === 'capture')).toHaveLength(3);
      expect([...stripe.intents.values()].reduce((s, i) => s + i.amount_received, 0)).toBe(3 * 199);
    } finally {
      await cloud.close();
    }
  });

  it('delivers hundreds of carts queued while the cloud was offline, each settled once', async () => {
    let outbox = new Outbox({
      dbPath: `${tmp.dir}/edge.db`,
      cloudUrl: 'http://127.0.0.1:1',
      storeId: 'demo',
      secret: SECRET,
      baseDelayMs: 20,
      maxDelayMs: 200,
    });
    const cloud = await startStripeCloud(`${tmp.dir}/c.db`, stripePort);
    const n = 300;
    try {
      for (let i = 0; i < n; i++) {
        const acc = await cloud.service.createAccount(`o${i}@example.com`, 'Offline', 'pm_card_visa');
        const { token } = cloud.service.issueEntryToken(acc.id, 'demo');
        outbox.enqueueEntry({ sessionId: `o${i}`, token, enteredAt: Date.now() });
        outbox.enqueueCart(receipt(`o${i}`, [['cola-330', 1 + (i % 3)]]));
        // Duplicate delivery attempt from a restarted engine: ignored by key.
        expect(outbox.enqueueCart(receipt(`o${i}`, [['cola-330', 1]]))).toBe(false);
      }
      // Offline: every attempt fails, nothing is lost or reordered.
      outbox.start();
      await until(() => outbox.stats().attempts >= 50);
      expect(outbox.pending()).toBe(2 * n);
      await outbox.stop();
      outbox.close();
      const online = new Outbox({
        dbPath: `${tmp.dir}/edge.db`,
        cloudUrl: cloud.url,
        storeId: 'demo',
        secret: SECRET,
        baseDelayMs: 20,
        maxDelayMs: 200,
      });
      outbox = online;
      outbox.start();
      await until(() => outbox.pending() === 0, 30_000);
      await until(() => cloud.service.storage.pendingSettlements().length === 0);
      const expected = Array.from({ length: n }, (_, i) => 129 * (1 + (i % 3))).reduce((a, b) => a + b, 0);
      const received = [...stripe.intents.values()].reduce((s, i) => s + i.amount_received, 0);
      expect(received).toBe(expected);
      expect(stripe.calls.filter((c) => c === 'capture')).toHaveLength(n);
    } finally {
      await outbox.stop();
      outbox.close();
      await cloud.close();
    }
  });

  it('recovers after the cloud is killed with SIGKILL mid-settlement', async () => {
    const port = await freePort();
    const spawnCloud = (): ChildProcess =>
      spawn(
        process.execPath,
        [
          'bin/walkout.mjs',
          'cloud',
          '--port',
          String(port),
          '--db',
          `${tmp.dir}/k.db`,
          '--payments',
          'stripe',
          '--stripe-host',
          '127.0.0.1',
          '--stripe-port',
          String(stripePort),
          '--stripe-protocol',
          'http',
          '--hold',
          '1000',
        ],
        {
          env: {
            ...process.env,
            WALKOUT_STORE_SECRET: SECRET,
            WALKOUT_TOKEN_SECRET: 'test-token-secret',
            WALKOUT_LOG_LEVEL: 'silent',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
    const ready = async (child: ChildProcess) => {
      let out = '';
      child.stdout?.on('data', (d) => {
        out += String(d);
      });
      await until(() => out.includes('listening'), 20_000);
    };
    let child = spawnCloud();
    await ready(child);
    const url = `http://127.0.0.1:${port}`;
    const sessions = ['k1', 'k2', 'k3', 'k4'];
    const acc = await fetch(`${url}/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'k@example.com', name: 'K', paymentMethod: 'pm_card_visa' }),
    });
    const { id } = (await acc.json()) as { id: string };
    for (const s of sessions) {
      const t = (await (
        await fetch(`${url}/v1/accounts/${id}/entry-tokens?store=demo`, { method: 'POST' })
      ).json()) as { token: string };
      expect(
        (
          await edgePost(url, '/v1/stores/demo/entries', {
            sessionId: s,
            token: t.token,
            enteredAt: Date.now(),
          })
        ).status,
      ).toBe(200);
    }
    // Stall Stripe so settlements are in flight, then kill the cloud.
    stripe.delayNext(20, 1500);
    const inflight = sessions.map((s) =>
      edgePost(url, '/v1/stores/demo/carts', receipt(s, [['pesto', 1]])).catch(() => null),
    );
    await new Promise((r) => setTimeout(r, 400));
    child.kill('SIGKILL');
    await once(child, 'exit');
    await Promise.all(inflight);
    child = spawnCloud();
    try {
      await ready(child);
      // The edge's outbox redelivers; the cloud also resumes pending rows on start.
      for (const s of sessions) await edgePost(url, '/v1/stores/demo/carts', receipt(s, [['pesto', 1]]));
      await until(async () => {
        const states = await Promise.all(
          sessions.map((s) => edgePost(url, '/v1/stores/demo/carts', receipt(s, [['pesto', 1]]))),
        );
        return states.every((r) => r.body.state === 'settled');
      }, 30_000);
      expect(stripe.calls.filter((c) => c === 'capture')).toHaveLength(sessions.length);
      expect(
        [...stripe.intents.values()]
          .filter((i) => i.status === 'succeeded')
          .reduce((s, i) => s + i.amount_received, 0),
      ).toBe(4 * 289);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 90_000);
});
