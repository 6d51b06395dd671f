import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCloud, startCloudServer } from '../../cloud/index.ts';
import { shopperWeb } from '../../cloud/shopper-web/index.ts';
import type { TruthReceipt } from '../../core/receipt.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { createOperators, DEMO_OPERATORS, type OperatorApi, startOperatorApi } from '../../edge/api/index.ts';
import { InProcessBus } from '../../edge/bus/index.ts';
import { type LiveEngine, startLiveEngine } from '../../edge/engine/run-live.ts';
import { forwardToCloud, Outbox } from '../../edge/outbox/index.ts';
import { createTracker } from '../../edge/tracking/create-tracker.ts';
import { type SimEntry, simulate } from '../../simulator/index.ts';
import { ARTIFACTS, launchChromium } from './browser.ts';

/**
 * The whole chain with no hand-written edge messages: simulator → bus → fusion engine → dashboard,
 * engine receipts → outbox → cloud → the shopper's receipt page, all watched in chromium.
 */
const store = loadStore('demo');
const SECRET = 'live-store-secret';
const SPEED = 20;
const dir = mkdtempSync(join(tmpdir(), 'walkout-live-'));
const bus = new InProcessBus();
let cloud: RunningCloud;
let api: OperatorApi;
let outbox: Outbox;
let engine: LiveEngine;
let chrome: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  cloud = await startCloudServer(
    { port: 0, dbPath: join(dir, 'cloud.db'), retryIntervalMs: 500 },
    [{ model: store, secret: SECRET }],
    {
      plugins: [shopperWeb({ storeId: store.id, service: () => cloud.service })],
    },
  );
  outbox = new Outbox({
    dbPath: join(dir, 'outbox.db'),
    cloudUrl: cloud.url,
    storeId: store.id,
    secret: SECRET,
    baseDelayMs: 100,
  });
  outbox.start();
  // The wiring `walkout demo` uses: entries and carts from the engine go to the cloud.
  forwardToCloud(bus, outbox);
  engine = startLiveEngine({
    store,
    bus,
    db: join(dir, 'engine.db'),
    createTracker: (s, l) => createTracker(s, l),
  });
  const opDb = join(dir, 'operators.db');
  createOperators(opDb, DEMO_OPERATORS);
  api = await startOperatorApi({ bus, store, dbPath: opDb, port: 0 });
  chrome = await launchChromium();
}, 90_000);

afterAll(async () => {
  await chrome?.close();
  await engine?.stop();
  await outbox?.stop();
  outbox?.close();
  await api?.close();
  await cloud?.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Publishes the simulator's sensor messages on the bus, SPEED× faster than real time. */
async function play(entries: SimEntry[]): Promise<void> {
  const msgs = entries.filter((e) => e.kind === 'message');
  const first = msgs[0]?.at ?? 0;
  const started = performance.now();
  let i = 0;
  while (i < msgs.length) {
    const now = first + (performance.now() - started) * SPEED;
    for (; i < msgs.length && (msgs[i]?.at ?? 0) <= now; i++) {
      const m = msgs[i];
      if (m?.kind === 'message') bus.publish(m.topic, m.msg);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('simulator + fusion engine + cloud in chromium', () => {
  it('a simulated shopper appears live, the engine cart is charged and shown on the receipt page', async () => {
    const shopper = await chrome.browser.newPage({ viewport: { width: 420, height: 860 } });
    await shopper.goto(`${cloud.url}/shop`);
    await shopper.fill('input[name=name]', 'Grace');
    await shopper.fill('input[name=email]', 'grace@example.com');
    await shopper.click('button[type=submit]');
    await shopper.waitForSelector('#qr svg');
    const token = await shopper.evaluate(
      async () => ((await (await fetch('/shop/api/entry-qr')).json()) as { token: string }).token,
    );

    const entries = [
      ...simulate({
        store,
        preset: 'single',
        seed: 3,
        durationMs: 15_000,
        startMs: Date.now(),
        tokenFor: () => token,
      }),
    ];
    const truth = entries.find((e) => e.kind === 'truth' && e.truth.truth === 'receipt');
    const truthLines = (truth?.kind === 'truth' ? (truth.truth as TruthReceipt).lines : [])
      .map((l) => `${l.sku}:${l.quantity}`)
      .sort();
    expect(truthLines.length).toBeGreaterThan(0);

    const op = await chrome.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await op.goto(api.url);
    await op.fill('input[name=username]', DEMO_OPERATORS[0].username);
    await op.fill('input[name=password]', DEMO_OPERATORS[0].password);
    await op.click('button[type=submit]');
    await op.waitForSelector('.live.on');

    const playing = play(entries);
    const row = await op.waitForSelector('[data-testid=sessions] tr[data-session]', { timeout: 15_000 });
    const sessionId = (await row.getAttribute('data-session')) as string;
    // The map's list shows only sessions still inside; the Sessions page lists all of them.
    await op.click('a[href="#/sessions"]');
    await op.click(`[data-testid=sessions] a[href="#/session/${sessionId}"]`);
    await op.waitForSelector('[data-testid=session-page] .evidence .chart canvas', { timeout: 15_000 });
    await playing;

    await expect
      .poll(() => cloud.service.storage.settlement(sessionId)?.state, { timeout: 20_000 })
      .toBe('settled');
    const receipt = api.state.sessions.get(sessionId)?.receipt;
    expect(receipt?.lines.map((l) => `${l.sku}:${l.quantity}`).sort()).toEqual(truthLines);
    await op.reload();
    await op.waitForSelector('[data-testid=session-page] .evidence');
    await op.screenshot({ path: join(ARTIFACTS, 'live-session.png') });

    await shopper.waitForSelector('#receipt-link', { timeout: 10_000 });
    await shopper.click('#receipt-link');
    const total = await shopper.textContent('[data-testid=total]');
    expect(total?.replace(/[^0-9]/g, '')).toBe(
      String(cloud.service.storage.settlement(sessionId)?.totalMinor),
    );
    await shopper.screenshot({ path: join(ARTIFACTS, 'live-receipt.png') });
  }, 100_000);
});
