import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadStore } from '../../core/store/load-store.ts';
import { StoreModel } from '../../core/store/store-model.ts';
import { type RtspServer, start } from '../../test/fixtures/rtsp-server.ts';
import { InProcessBus } from '../bus/index.ts';
import { type CameraFeeds, startCameraFeeds } from './camera-feeds.ts';
import { createOperators, DEMO_OPERATORS, type OperatorApi, startOperatorApi } from './index.ts';

/**
 * Real RTSP (GStreamer serving vtest footage) → real ffmpeg children → the dashboard's relay. Faults:
 * ffmpeg killed with SIGKILL, the camera (RTSP server) going away and coming back.
 */
const dir = mkdtempSync(join(tmpdir(), 'walkout-feeds-'));
const bus = new InProcessBus();
let rtsp: RtspServer;
let feeds: CameraFeeds;
let api: OperatorApi;
let store: StoreModel;

const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Counts bytes arriving on a preview WebSocket. */
function watch(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const seen = { bytes: 0, tsPackets: 0, header: '' };
  ws.on('message', (d: Buffer) => {
    if (!seen.header) seen.header = d.subarray(0, 4).toString();
    else {
      seen.bytes += d.length;
      if (d[0] === 0x47) seen.tsPackets += Math.floor(d.length / 188);
    }
  });
  return { ws, seen, opened: new Promise((r, j) => ws.once('open', r).once('error', j)) };
}

beforeAll(async () => {
  rtsp = await start({ mounts: ['/cam1'] });
  const base = loadStore('demo');
  store = new StoreModel({
    ...base.config,
    cameras: base.config.cameras.map((c) => (c.id === 'cam1' ? { ...c, rtspUrl: rtsp.url } : c)),
  });
  feeds = await startCameraFeeds(store, { snapshots: { intervalMs: 500 } });
  createOperators(join(dir, 'op.db'), DEMO_OPERATORS);
  api = await startOperatorApi({
    bus,
    store,
    dbPath: join(dir, 'op.db'),
    port: 0,
    cameraPreviews: feeds.previewUrls,
    snapshots: feeds.snapshots,
  });
}, 60_000);

afterAll(async () => {
  await api?.close();
  await feeds?.close();
  await rtsp?.stop();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('camera previews and snapshots from a real RTSP stream', () => {
  it('streams MPEG-TS, keeps decodable stills that change, survives kill -9 of ffmpeg', async () => {
    expect(Object.keys(feeds.previewUrls)).toEqual(['cam1']);
    expect(feeds.previewUrls.cam1).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/$/);
    const p = watch(feeds.previewUrls.cam1 as string);
    await p.opened;
    await expect.poll(() => p.seen.tsPackets, { timeout: 20_000 }).toBeGreaterThan(200);
    expect(p.seen.header).toBe('jsmp');

    const snaps = feeds.snapshots;
    if (!snaps) throw new Error('no snapshots');
    await expect.poll(() => snaps.frames('cam1').length, { timeout: 20_000 }).toBeGreaterThan(2);
    const frames = snaps.frames('cam1');
    const [a, b] = [frames[0], frames.at(-1)];
    const meta = await sharp(a?.jpeg).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 480, 360]);
    const [ra, rb] = await Promise.all([a, b].map((f) => sharp(f?.jpeg).greyscale().raw().toBuffer()));
    let diff = 0;
    for (let i = 0; i < (ra?.length ?? 0); i++) diff += Math.abs((ra?.[i] ?? 0) - (rb?.[i] ?? 0));
    expect(diff / (ra?.length ?? 1)).toBeGreaterThan(0.2); // people walk through the footage

    const previewPid = feeds.previews?.pid('cam1');
    const snapPid = snaps.pid('cam1');
    expect(alive(previewPid) && alive(snapPid)).toBe(true);
    process.kill(previewPid as number, 'SIGKILL');
    process.kill(snapPid as number, 'SIGKILL');
    await expect.poll(() => feeds.previews?.restarts('cam1'), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => snaps.restarts('cam1'), { timeout: 10_000 }).toBe(1);
    // Same viewer connection: the stream resumes from the new ffmpeg.
    const before = p.seen.bytes;
    const stillsBefore = snaps.frames('cam1').at(-1)?.t ?? 0;
    await expect.poll(() => p.seen.bytes - before, { timeout: 20_000 }).toBeGreaterThan(20_000);
    await expect
      .poll(() => snaps.frames('cam1').at(-1)?.t ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(stillsBefore);
    p.ws.close();
  }, 60_000);

  it('recovers when the camera goes away and comes back', async () => {
    const snaps = feeds.snapshots;
    if (!snaps) throw new Error('no snapshots');
    const p = watch(feeds.previewUrls.cam1 as string);
    await p.opened;
    const restarts = feeds.previews?.restarts('cam1') ?? 0;
    await rtsp.stop();
    await expect
      .poll(() => feeds.previews?.restarts('cam1') ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(restarts);
    await new Promise((r) => setTimeout(r, 500));
    await rtsp.restart();
    const bytes = p.seen.bytes;
    const last = snaps.frames('cam1').at(-1)?.t ?? 0;
    await expect.poll(() => p.seen.bytes - bytes, { timeout: 30_000 }).toBeGreaterThan(20_000);
    await expect.poll(() => snaps.frames('cam1').at(-1)?.t ?? 0, { timeout: 30_000 }).toBeGreaterThan(last);
    p.ws.close();
  }, 60_000);

  it('dashboard relays previews and serves stills only to logged-in operators', async () => {
    const anon = await fetch(`${api.url}/api/cameras`);
    expect(anon.status).toBe(401);
    const wsUrl = `${api.url.replace('http', 'ws')}/ws/cameras/cam1`;
    const refused = new WebSocket(wsUrl);
    const code = await new Promise<number>((r) =>
      refused.on('unexpected-response', (_q, res) => r(res.statusCode ?? 0)),
    );
    expect(code).toBe(401);

    const res = await fetch(`${api.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'viewer', password: DEMO_OPERATORS[1].password }),
    });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const cams = (await (await fetch(`${api.url}/api/cameras`, { headers: { cookie } })).json()) as Array<{
      id: string;
      preview: string | null;
      snapshots: boolean;
    }>;
    expect(cams.find((c) => c.id === 'cam1')).toMatchObject({ preview: '/ws/cameras/cam1', snapshots: true });
    expect(cams.find((c) => c.id === 'cam2')).toMatchObject({ preview: null, snapshots: false });

    const relayed = watch(wsUrl, { cookie });
    await relayed.opened;
    await expect.poll(() => relayed.seen.tsPackets, { timeout: 20_000 }).toBeGreaterThan(100);
    relayed.ws.close();
    const none = new WebSocket(`${api.url.replace('http', 'ws')}/ws/cameras/cam2`, { headers: { cookie } });
    expect(
      await new Promise<number>((r) => none.on('unexpected-response', (_q, res) => r(res.statusCode ?? 0))),
    ).toBe(404);

    const f = feeds.snapshots?.frames('cam1').at(-1);
    if (!f) throw new Error('no still');
    const still = `${api.url}/api/snapshots/cam1/${f.t}`;
    expect((await fetch(still)).status).toBe(401);
    const img = await fetch(still, { headers: { cookie } });
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    expect(img.headers.get('cache-control')).toBe('private, no-store');
    expect(Buffer.from(await img.arrayBuffer()).equals(f.jpeg)).toBe(true);
    expect((await fetch(`${api.url}/api/snapshots/cam1/${f.t + 1}`, { headers: { cookie } })).status).toBe(
      404,
    );
    expect((await fetch(`${api.url}/api/snapshots/cam1/abc`, { headers: { cookie } })).status).toBe(404);
  }, 60_000);

  it('close() ends every ffmpeg child', async () => {
    const pids = [feeds.previews?.pid('cam1'), feeds.snapshots?.pid('cam1')];
    expect(pids.every(alive)).toBe(true);
    await feeds.close();
    expect(pids.some(alive)).toBe(false);
  });
});
