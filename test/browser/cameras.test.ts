import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { StoreModel } from '../../core/store/store-model.ts';
import { CameraCoverage } from '../../edge/api/camera-coverage.ts';
import { type CameraFeeds, startCameraFeeds } from '../../edge/api/camera-feeds.ts';
import { createOperators, DEMO_OPERATORS, type OperatorApi, startOperatorApi } from '../../edge/api/index.ts';
import { InProcessBus } from '../../edge/bus/index.ts';
import { type RtspServer, start } from '../fixtures/rtsp-server.ts';
import { ARTIFACTS, launchChromium, loginOperator } from './browser.ts';

/**
 * Cameras in a real browser: GStreamer serves real footage over RTSP, node-rtsp-stream's ffmpeg turns
 * it into MPEG-1, the dashboard relays it and JSMpeg paints it on a canvas; a shelf event's cart
 * line shows the still of a camera that sees the plate.
 */
const dir = mkdtempSync(join(tmpdir(), 'walkout-cams-'));
const bus = new InProcessBus();
let rtsp: RtspServer;
let feeds: CameraFeeds;
let api: OperatorApi;
let chrome: Awaited<ReturnType<typeof launchChromium>>;
let store: StoreModel;
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  rtsp = await start({ mounts: ['/cam1'] });
  const base = loadStore('demo');
  store = new StoreModel({
    ...base.config,
    cameras: base.config.cameras.map((c) => (c.id === 'cam1' ? { ...c, rtspUrl: rtsp.url } : c)),
  });
  feeds = await startCameraFeeds(store);
  const opDb = join(dir, 'operators.db');
  createOperators(opDb, DEMO_OPERATORS);
  api = await startOperatorApi({
    bus,
    store,
    dbPath: opDb,
    port: 0,
    cameraPreviews: feeds.previewUrls,
    snapshots: feeds.snapshots,
  });
  chrome = await launchChromium();
}, 90_000);

afterAll(async () => {
  await chrome?.close();
  await api?.close();
  await feeds?.close();
  await rtsp?.stop();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

const login = (page: Page, user: { username: string; password: string }) =>
  loginOperator(page, api.url, user);

/** Canvas pixels as greyscale plus how varied they are (a black or flat canvas has none). */
const readCanvas = (page: Page, sel: string) =>
  page.$eval(sel, (el) => {
    const c = el as HTMLCanvasElement;
    const ctx = c.getContext('2d');
    if (!ctx || c.width === 0) return { w: 0, h: 0, grey: [] as number[], sd: 0 };
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const grey: number[] = [];
    for (let i = 0; i < d.length; i += 4 * 7)
      grey.push(((d[i] ?? 0) + (d[i + 1] ?? 0) + (d[i + 2] ?? 0)) / 3);
    const mean = grey.reduce((a, b) => a + b, 0) / grey.length;
    const sd = Math.sqrt(grey.reduce((a, b) => a + (b - mean) ** 2, 0) / grey.length);
    return { w: c.width, h: c.height, grey, sd };
  });

async function expectMovingPreview(page: Page, cameraId: string) {
  const sel = `[data-testid=preview-${cameraId}]`;
  await page.waitForSelector(sel);
  await expect
    .poll(async () => Number(await page.getAttribute(sel, 'data-frames')), { timeout: 30_000 })
    .toBeGreaterThan(5);
  const a = await readCanvas(page, sel);
  expect([a.w, a.h]).toEqual([640, 480]);
  expect(a.sd).toBeGreaterThan(10); // a real picture, not a blank canvas
  let moved = 0;
  await expect
    .poll(
      async () => {
        const b = await readCanvas(page, sel);
        moved = b.grey.filter((g, i) => Math.abs(g - (a.grey[i] ?? 0)) > 12).length / b.grey.length;
        return moved;
      },
      { timeout: 15_000, interval: 500 },
    )
    .toBeGreaterThan(0.002); // people walk through the footage
  return moved;
}

describe('cameras in chromium', () => {
  it('reviewer sees a moving preview, a no-preview camera and status; the cart line shows a still; a viewer sees previews', async () => {
    const op = await chrome.browser.newPage({ viewport: { width: 1280, height: 800 } });
    await login(op, DEMO_OPERATORS[0]);
    await op.click('a[href="#/cameras"]');
    await op.waitForSelector('[data-testid=cameras]');
    bus.publish('device.status', { deviceId: 'cam1', kind: 'camera', t: Date.now(), status: 'up' });
    bus.publish('device.status', {
      deviceId: 'cam2',
      kind: 'camera',
      t: Date.now(),
      status: 'down',
      detail: 'no frames for 10 s',
    });
    const moved = await expectMovingPreview(op, 'cam1');
    expect(moved).toBeGreaterThan(0);
    await expect.poll(() => op.textContent('[data-camera=cam1] [data-testid=camera-status]')).toBe('up');
    await expect.poll(() => op.textContent('[data-camera=cam2] [data-testid=camera-status]')).toBe('down');
    expect(await op.$('[data-camera=cam2] canvas')).toBeNull();
    expect(await op.textContent('[data-camera=cam2] [data-testid=no-preview]')).toContain('No preview');
    expect(await op.$$('[data-testid=no-preview]')).toHaveLength(store.config.cameras.length - 1);
    await shot(op, 'operator-cameras');

    // A take on a plate cam1 sees, while cam1's stills are being kept.
    const coverage = new CameraCoverage(store);
    const plateId = [...store.plates.values()].find(
      (p) => p.facing && coverage.camerasSeeing([p.id]).includes('cam1'),
    )?.id as string;
    const sku = store.plate(plateId)?.facing?.sku as string;
    await expect
      .poll(() => feeds.snapshots?.frames('cam1').length ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const t = Date.now();
    const sessionId = 'S-cam';
    bus.publish('edge.session', { sessionId, token: 'tok-camera-test', t, state: 'open', members: 1 });
    bus.publish('edge.shelf-event', {
      id: 'E-cam',
      t0: t - 400,
      t1: t,
      plates: [{ plateId, deltaGrams: -350 }],
      deltaGrams: -350,
      hypotheses: [{ sku, count: 1, kind: 'take', prob: 0.9 }],
      candidates: [{ sessionId, prob: 0.9 }],
      sessionId,
    });
    await op.goto(`${api.url}/#/session/${sessionId}`);
    const thumb = `[data-testid=cart] tr[data-line="${sku}"] img[data-testid=line-snapshot]`;
    await op.waitForSelector(thumb);
    await expect
      .poll(() => op.$eval(thumb, (i) => (i as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBe(480);
    expect(await op.getAttribute(thumb, 'src')).toMatch(/^\/api\/snapshots\/cam1\/\d+$/);
    await op.waitForSelector('[data-event="E-cam"] img[data-testid=event-snapshot]');
    expect(await op.textContent('[data-event="E-cam"] figcaption')).toContain('cam1');
    await op.waitForSelector('a[href="#/sessions"] >> text=Sessions (1)');
    await shot(op, 'operator-session-snapshot');

    // A viewer sees the previews too.
    const vctx = await chrome.browser.newContext();
    const vp = await vctx.newPage();
    await login(vp, DEMO_OPERATORS[1]);
    await vp.goto(`${api.url}/#/cameras`);
    await expectMovingPreview(vp, 'cam1');
    await vctx.close();
    await op.close();
  }, 120_000);
});
