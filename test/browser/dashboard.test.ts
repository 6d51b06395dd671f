import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCloud, startCloudServer } from '../../cloud/index.ts';
import { shopperWeb } from '../../cloud/shopper-web/index.ts';
import type { Receipt } from '../../core/receipt.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { createOperators, DEMO_OPERATORS, type OperatorApi, startOperatorApi } from '../../edge/api/index.ts';
import { InProcessBus } from '../../edge/bus/index.ts';
import { Outbox } from '../../edge/outbox/index.ts';
import { ARTIFACTS, launchChromium, loginOperator } from './browser.ts';

/**
 * End to end in a real browser: a shopper signs up on the cloud pages, the edge publishes the
 * session on the bus (as the fusion engine does), an operator reviews and releases the cart, the
 * real outbox delivers it to the real cloud, and the shopper's receipt shows the charge.
 */
const store = loadStore('demo');
const SECRET = 'test-store-secret';
const dir = mkdtempSync(join(tmpdir(), 'walkout-browser-'));
const bus = new InProcessBus();
let cloud: RunningCloud;
let api: OperatorApi;
let outbox: Outbox;
let chrome: Awaited<ReturnType<typeof launchChromium>>;
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

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
  // Stands in for the engine's cart delivery: every finalised receipt goes to the cloud.
  bus.subscribe('edge.receipt', (r) => outbox.enqueueCart(r));
  const opDb = join(dir, 'operators.db');
  createOperators(opDb, DEMO_OPERATORS);
  api = await startOperatorApi({
    bus,
    store,
    dbPath: opDb,
    port: 0,
    onRelease: (r) => outbox.enqueueRelease(r),
  });
  chrome = await launchChromium();
}, 90_000);

afterAll(async () => {
  await chrome?.close();
  await outbox?.stop();
  outbox?.close();
  await api?.close();
  await cloud?.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

const login = (page: Page, user: { username: string; password: string }) =>
  loginOperator(page, api.url, user);

describe('operator dashboard and shopper pages in chromium', () => {
  it('reviewer follows a shopper, resolves the review, shopper sees the charge; viewer cannot resolve', async () => {
    const reviewer = DEMO_OPERATORS[0];
    const viewer = DEMO_OPERATORS[1];
    const shopper = await chrome.browser.newPage({ viewport: { width: 420, height: 860 } });
    await shopper.goto(`${cloud.url}/shop`);
    await shopper.fill('input[name=name]', 'Ada');
    await shopper.fill('input[name=email]', 'ada@example.com');
    await shopper.click('button[type=submit]');
    await shopper.waitForSelector('#qr svg');
    await shot(shopper, 'shopper-entry-qr');
    const token = await shopper.evaluate(
      async () => ((await (await fetch('/shop/api/entry-qr')).json()) as { token: string }).token,
    );
    expect(token.length).toBeGreaterThan(20);

    // The gate scanned the token: the edge reports the entry (real outbox → signed cloud API).
    const sessionId = 'S-0001';
    const t0 = Date.now();
    outbox.enqueueEntry({ sessionId, token, enteredAt: t0 });

    const op = await chrome.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await op.goto(api.url);
    await shot(op, 'operator-login');
    await op.fill('input[name=username]', reviewer.username);
    await op.fill('input[name=password]', 'wrong-password');
    await op.click('button[type=submit]');
    await expect.poll(() => op.textContent('[role=alert]')).toContain('wrong');
    await login(op, reviewer);
    await op.waitForSelector('.live.on');

    bus.publish('edge.session', { sessionId, token, t: t0, state: 'open', members: 1 });
    await op.waitForSelector(`[data-testid=sessions] tr[data-session="${sessionId}"]`);
    // Walk from the entry into the store; the dot must follow.
    const xs: number[] = [];
    for (let i = 0; i < 12; i++) {
      bus.publish('edge.tracks', {
        t: t0 + i * 200,
        tracks: [{ trackId: 'T1', sessionId, position: [1 + i * 0.3, 1 + i * 0.2], wrists: [] }],
      });
      await new Promise((r) => setTimeout(r, 120));
      const cx = await op.getAttribute(`g.track[data-session="${sessionId}"] circle`, 'cx');
      if (cx !== null) xs.push(Number(cx));
    }
    expect(xs.length).toBeGreaterThan(3);
    expect((xs.at(-1) as number) - (xs[0] as number)).toBeGreaterThan(1);

    // A take of 2 colas from the first facing plate, with its weight trace, then the exit receipt.
    const facing = store.config.planogram[0];
    if (!facing) throw new Error('demo store has no planogram');
    const plateId = facing.plates[0] as string;
    const unit = store.product(facing.sku)?.weight.meanGrams ?? 0;
    const full = unit * 10;
    for (let k = 0; k < 40; k++)
      bus.publish('shelf.samples', {
        plateId,
        seq: k,
        t0: t0 + k * 100,
        periodMs: 8,
        grams: Array.from({ length: 12 }, () => (k < 20 ? full : full - 2 * unit)),
      });
    const event = {
      id: 'E1',
      t0: t0 + 1900,
      t1: t0 + 2300,
      plates: [{ plateId, deltaGrams: -2 * unit }],
      deltaGrams: -2 * unit,
      hypotheses: [{ sku: facing.sku, count: 2, kind: 'take' as const, prob: 0.62 }],
      candidates: [
        { sessionId, prob: 0.55 },
        { sessionId: 'S-other', prob: 0.45 },
      ],
      sessionId,
    };
    bus.publish('edge.shelf-event', event);
    await op.click(`[data-testid=sessions] a[href="#/session/${sessionId}"]`);
    await op.waitForSelector('[data-testid=session-page] .chart canvas');
    expect(await op.textContent('[data-testid=cart]')).toContain('× 2');
    expect(await op.textContent('[data-testid=session-page]')).toContain('55%');
    await shot(op, 'operator-session');

    const receipt: Receipt = {
      version: 1,
      storeId: store.id,
      sessionId,
      token,
      enteredAt: t0,
      exitedAt: t0 + 5000,
      finalisedAt: t0 + 6000,
      status: 'review',
      confidence: 0.34,
      reviewReasons: ['ambiguous association (55% vs 45%)'],
      lines: [
        {
          sku: facing.sku,
          quantity: 2,
          evidence: [
            {
              eventId: 'E1',
              kind: 'take',
              plates: [plateId],
              t0: event.t0,
              t1: event.t1,
              deltaGrams: event.deltaGrams,
              quantity: 2,
              hypothesisProb: 0.62,
              associationProb: 0.55,
            },
          ],
        },
      ],
    };
    bus.publish('edge.tracks', { t: t0 + 5000, tracks: [] });
    bus.publish('edge.receipt', receipt);
    await expect
      .poll(() => cloud.service.storage.settlement(sessionId)?.state, { timeout: 10_000 })
      .toBe('review');

    await op.click('a[href="#/alerts"]');
    await op.waitForSelector('[data-kind=unpaid-exit]');

    // Viewer: sees the queue, cannot resolve (no button, and the API refuses).
    const vctx = await chrome.browser.newContext();
    const vp = await vctx.newPage();
    await login(vp, viewer);
    await vp.goto(`${api.url}/#/review`);
    await vp.waitForSelector(`[data-review="${sessionId}"] [data-testid=viewer-note]`);
    expect(await vp.$(`[data-review="${sessionId}"] button.primary`)).toBeNull();
    const status = await vp.evaluate(async (id) => {
      const r = await fetch(`/api/review/${id}/release`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: 'sneaky', lines: [] }),
      });
      return r.status;
    }, sessionId);
    expect(status).toBe(403);
    await vctx.close();

    // Reviewer: one cola, not two; reason is mandatory and audited.
    await op.click('a[href^="#/review"]');
    const item = `[data-review="${sessionId}"]`;
    await op.waitForSelector(item);
    await op.fill(`${item} input[aria-label=quantity]`, '1');
    await op.fill(`${item} input[aria-label=reason]`, 'video shows one can put back');
    await shot(op, 'operator-review');
    await op.click(`${item} button.primary`);
    await op.waitForSelector('[data-testid=review-queue] >> text=No carts await review');
    await expect
      .poll(() => cloud.service.storage.settlement(sessionId)?.state, { timeout: 10_000 })
      .toBe('settled');
    const audit = api.db.auditLog().filter((a) => a.sessionId === sessionId);
    expect(audit.map((a) => a.action).sort()).toEqual(['change-quantity', 'release']);
    expect(audit.every((a) => a.operator === 'reviewer' && a.reason === 'video shows one can put back')).toBe(
      true,
    );
    await op.click('a[href="#/audit"]');
    await op.waitForSelector('[data-testid=audit] >> text=change-quantity');

    // The shopper's page picks up the receipt; it shows one cola and the charged total.
    const settled = cloud.service.storage.settlement(sessionId);
    const price = store.product(facing.sku)?.priceMinor ?? 0;
    expect(settled?.totalMinor).toBeGreaterThan(0);
    expect(settled?.totalMinor).toBeLessThanOrEqual(price);
    await shopper.waitForSelector('#receipt-link', { timeout: 10_000 });
    await shopper.click('#receipt-link');
    await shopper.waitForSelector('[data-testid=receipt]');
    const total = await shopper.textContent('[data-testid=total]');
    expect(total?.replace(/[^0-9]/g, '')).toBe(String(settled?.totalMinor));
    expect(await shopper.textContent(`[data-line="${facing.sku}"]`)).toContain('1 ×');
    await shot(shopper, 'shopper-receipt');

    // Dispute the line: the cloud records it and the button turns into a note.
    await shopper.click(`button[data-sku="${facing.sku}"]`);
    await shopper.waitForSelector(`[data-line="${facing.sku}"] >> text=disputed`);
    expect(cloud.service.storage.disputes(sessionId)).toHaveLength(1);

    await op.click('a[href="#/map"]');
    await op.waitForSelector('[data-testid=store-map]');
    bus.publish('edge.session', {
      sessionId: 'S-0002',
      token: 'tok-two-abcdef',
      t: t0 + 7000,
      state: 'open',
      members: 2,
    });
    bus.publish('edge.tracks', {
      t: t0 + 7000,
      tracks: [
        { trackId: 'T2', sessionId: 'S-0002', position: [4, 5], wrists: [] },
        { trackId: 'T3', sessionId: 'S-0002', position: [4.6, 5.2], wrists: [] },
      ],
    });
    await new Promise((r) => setTimeout(r, 150));
    bus.publish('edge.tracks', {
      t: t0 + 7200,
      tracks: [
        { trackId: 'T2', sessionId: 'S-0002', position: [4.3, 5.5], wrists: [] },
        { trackId: 'T3', sessionId: 'S-0002', position: [4.9, 5.6], wrists: [] },
      ],
    });
    await op.waitForSelector('g.track[data-session="S-0002"]');
    await shot(op, 'operator-map');
  }, 90_000);
});
