/**
 * Exit → payment captured: 100 shoppers exit within one second. Latency runs from the edge's
 * finalisation (the cart entering the outbox) to the cloud's answer that the capture succeeded, on
 * loopback against the Stripe-compatible local server through the official SDK.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStore } from '../../core/store/load-store.ts';
import { Outbox } from '../../edge/outbox/index.ts';
import { StripeMockServer } from '../../test/stripe-mock/stripe-mock-server.ts';
import { startCloudServer } from '../index.ts';

const EXITS = Number(process.env.EXITS ?? 100);
const dir = mkdtempSync(join(tmpdir(), 'walkout-bench-settle-'));
const stripe = new StripeMockServer();
const { port } = await stripe.start();
process.env.STRIPE_SECRET_KEY ??= 'sk_test_bench';
const store = loadStore('demo');
const cloud = await startCloudServer(
  {
    port: 0,
    dbPath: join(dir, 'cloud.db'),
    payments: 'stripe',
    holdMinor: 2000,
    stripe: { host: '127.0.0.1', port, protocol: 'http' },
  },
  [{ model: store, secret: 'bench-secret' }],
  { tokenSecret: 'bench-token' },
);
const latencies: number[] = [];
const done = new Map<string, number>();
const outbox = new Outbox({
  dbPath: join(dir, 'edge.db'),
  cloudUrl: cloud.url,
  storeId: 'demo',
  secret: 'bench-secret',
  onDelivered: (item) => {
    const body = item.body as { state?: string } | null;
    if (item.kind === 'cart' && body?.state === 'settled') {
      latencies.push(Date.now() - item.queuedAt);
      done.set(item.key, Date.now());
    }
  },
});
outbox.start();
const skus = store.config.products.map((p) => p.sku);
for (let i = 0; i < EXITS; i++) {
  const acc = await cloud.service.createAccount(`b${i}@example.com`, 'Bench', 'pm_card_visa');
  const { token } = cloud.service.issueEntryToken(acc.id, 'demo');
  outbox.enqueueEntry({ sessionId: `b${i}`, token, enteredAt: Date.now() });
}
while (outbox.pending() > 0) await new Promise((r) => setTimeout(r, 10));
const started = Date.now();
for (let i = 0; i < EXITS; i++) {
  setTimeout(
    () => {
      const lines = [0, 1, 2].map((k) => ({
        sku: skus[(i * 3 + k) % skus.length] as string,
        quantity: 1 + ((i + k) % 2),
        evidence: [],
      }));
      const now = Date.now();
      outbox.enqueueCart({
        version: 1,
        storeId: 'demo',
        sessionId: `b${i}`,
        token: 't',
        enteredAt: now - 60_000,
        exitedAt: now,
        finalisedAt: now,
        status: 'charge',
        confidence: 1,
        reviewReasons: [],
        lines,
      });
    },
    Math.floor((i * 1000) / EXITS),
  );
}
while (done.size < EXITS && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 10));
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
const captures = stripe.calls.filter((c) => c === 'capture' || c === 'confirm:automatic').length;
const perSession = new Map<string, number>();
for (const pi of stripe.intents.values()) {
  if (pi.status === 'succeeded' && typeof pi.metadata.sessionId === 'string' && pi.metadata.part !== 'top-up')
    perSession.set(pi.metadata.sessionId, (perSession.get(pi.metadata.sessionId) ?? 0) + 1);
}
const doubleCharges = [...perSession.values()].filter((n) => n > 1).length;
await outbox.stop();
outbox.close();
await cloud.close();
await stripe.stop();
rmSync(dir, { recursive: true, force: true });
console.error(`settled ${done.size}/${EXITS} exits; payment calls ${captures}`);
console.log(JSON.stringify({ exits: done.size, p50Ms: q(0.5), p99Ms: q(0.99), doubleCharges }));
