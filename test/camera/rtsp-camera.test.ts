import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerCameraMetrics } from '../../hardware/camera/metrics.ts';
import { freePort, type RtspServer, start } from '../fixtures/rtsp-server.ts';
import { CameraRig, meanAbsDiff, until } from './camera-rig.ts';

let srv: RtspServer | undefined;
let rig: CameraRig | undefined;
afterEach(async () => {
  await rig?.camera.close();
  if (srv?.pid) process.kill(srv.pid, 'SIGCONT');
  await srv?.stop();
  rig = undefined;
  srv = undefined;
});

describe('RTSP camera against GStreamer’s RTSP server streaming vtest footage', () => {
  it('delivers frames of the configured size with real, moving content, paced by the stream', async () => {
    srv = await start();
    rig = new CameraRig({ url: srv.url, size: '320x240' });
    rig.camera.start();
    await rig.camera.waitStreaming(20_000);
    const got = await rig.more(25);
    for (const f of got) {
      expect([f.width, f.height]).toEqual([320, 240]);
      expect(f.mean).toBeGreaterThan(40); // not black
      expect(f.mean).toBeLessThan(220); // not blank white
    }
    // People walk through a static scene: later frames differ from earlier ones, but not wholly.
    const d = meanAbsDiff((got[0] as (typeof got)[0]).sample, (got[24] as (typeof got)[0]).sample);
    expect(d).toBeGreaterThan(0.5);
    expect(d).toBeLessThan(60);
    // Frame numbers and presentation times advance; the stream is 10 fps, so pts steps are ~0.1 s.
    const seqs = got.map((f) => f.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
    const steps = got.slice(1).map((f, i) => f.pts - (got[i] as (typeof got)[0]).pts);
    for (const s of steps) expect(s).toBeGreaterThan(0);
    // The server stamps frames 0.1 s apart (it skips frames if it was held up, so look at the median).
    expect([...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)]).toBeCloseTo(0.1, 2);
    const m = rig.camera.metrics;
    expect(m.fps).toBeGreaterThan(5);
    expect(m.fps).toBeLessThan(15);
    expect(m).toMatchObject({ connects: 1, reconnects: 0, dropped: 0, stalls: 0 });
    expect(rig.published.map((s) => [s.deviceId, s.kind, s.status])).toEqual([['cam1', 'camera', 'up']]);

    const registry = new Registry();
    registerCameraMetrics(registry, () => [rig?.camera].filter((c) => c !== undefined));
    const text = await registry.metrics();
    expect(text).toMatch(new RegExp(`walkout_camera_frames_total\\{camera="cam1"\\} (\\d+)`));
    const scraped = Number(/walkout_camera_frames_total\{camera="cam1"\} (\d+)/.exec(text)?.[1]);
    expect(scraped).toBeGreaterThanOrEqual(25);
    expect(text).toContain('walkout_camera_up{camera="cam1"} 1');
  });

  it('a camera started before its server comes up connects once it does', async () => {
    const port = await freePort();
    // Credentials in the URL (the server does not ask for them) must never reach a status message.
    rig = new CameraRig({ url: `rtsp://viewer:s3cret@127.0.0.1:${port}/cam` });
    rig.camera.start();
    await until(() => rig?.camera.metrics.failedAttempts === 2, 'two refused attempts');
    expect(rig.camera.state).toBe('connecting');
    expect(rig.published.map((s) => s.status)).toEqual(['down']);
    expect(rig.published[0]?.detail).toMatch(/refused/i);
    expect(JSON.stringify(rig.published)).not.toContain('s3cret');
    srv = await start({ port });
    await rig.camera.waitStreaming(20_000);
    await rig.more(5);
    expect(rig.camera.metrics).toMatchObject({ connects: 1, reconnects: 0 });
    expect(rig.published.map((s) => s.status)).toEqual(['down', 'up']);
  });

  it('a wrong stream path is retried and reported down once, with the server’s answer', async () => {
    srv = await start();
    rig = new CameraRig({ url: srv.urlOf('/no-such-mount') });
    rig.camera.start();
    await until(() => (rig?.camera.metrics.failedAttempts ?? 0) >= 3, 'three failed attempts');
    expect(rig.camera.state).toBe('connecting');
    expect(rig.camera.metrics.connects).toBe(0);
    expect(rig.published).toHaveLength(1); // reported once, not once per attempt
    expect(rig.published[0]?.detail).toMatch(/404|not found/i);
  });

  it('server stopped then restarted: drop counted and reported, reconnects, frames flow again', async () => {
    srv = await start();
    rig = new CameraRig({ url: srv.url });
    rig.camera.start();
    await rig.camera.waitStreaming(20_000);
    const before = await rig.more(5);
    // A loaded machine's server may refuse the very first attempt (reported down, then up): what
    // follows is judged from the streaming state on.
    const statuses = () => rig?.published.map((s) => s.status) ?? [];
    expect(statuses().at(-1)).toBe('up');
    const since = statuses().length;
    const failedBefore = rig.camera.metrics.failedAttempts;
    await srv.stop();
    await until(() => rig?.camera.metrics.disconnects === 1, 'disconnect');
    await until(() => (rig?.camera.metrics.failedAttempts ?? 0) > failedBefore, 'a refused retry while down');
    expect(rig.camera.state).toBe('connecting');
    expect(statuses().slice(since)).toEqual(['down']);
    await srv.restart();
    await rig.camera.waitStreaming(20_000);
    const after = await rig.more(10);
    expect(rig.camera.metrics).toMatchObject({ connects: 2, reconnects: 1, disconnects: 1 });
    expect(statuses().slice(since)).toEqual(['down', 'up']);
    // Frame numbers keep growing across the reconnect, so downstream never sees time run backwards.
    expect((after[0] as (typeof after)[0]).seq).toBeGreaterThan((before.at(-1) as (typeof before)[0]).seq);
    expect((after[0] as (typeof after)[0]).t).toBeGreaterThan((before.at(-1) as (typeof before)[0]).t);
    expect(after.every((f) => f.mean > 40 && f.width === 256)).toBe(true);
  });

  it('decoder killed with SIGKILL: recovered, counted, frames flow again', async () => {
    srv = await start();
    rig = new CameraRig({ url: srv.url });
    rig.camera.start();
    await rig.camera.waitStreaming(20_000);
    await rig.more(3);
    const pid = rig.camera.decoderPid;
    expect(pid).toBeTypeOf('number');
    process.kill(pid as number, 'SIGKILL');
    await until(() => rig?.camera.metrics.reconnects === 1, 'reconnect');
    expect(rig.camera.decoderPid).not.toBe(pid);
    await rig.more(5);
    expect(rig.camera.metrics).toMatchObject({ disconnects: 1, connects: 2, stalls: 0 });
  });

  it('a stream that hangs without closing is detected as a stall and recovered when it resumes', async () => {
    srv = await start();
    rig = new CameraRig({ url: srv.url, stallMs: 1000, connectTimeoutMs: 4000 });
    rig.camera.start();
    await rig.camera.waitStreaming(20_000);
    await rig.more(3);
    const pid = srv.pid as number;
    process.kill(pid, 'SIGSTOP'); // the TCP connection stays open, no data comes
    try {
      await until(() => (rig?.camera.metrics.stalls ?? 0) >= 1, 'stall detected');
      // The decoder was killed; `down` follows once it has exited.
      await until(() => rig?.published.at(-1)?.status === 'down', 'down reported');
      expect(rig.camera.metrics.disconnects).toBe(1);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await until(() => rig?.camera.state === 'streaming', 'streaming again');
    await rig.more(5);
    expect(rig.camera.metrics.reconnects).toBeGreaterThanOrEqual(1);
    expect(rig.published.at(-1)?.status).toBe('up');
  });

  it('a consumer holding every buffer makes frames drop (counted), and releasing resumes delivery', async () => {
    srv = await start();
    rig = new CameraRig({ url: srv.url, ringSize: 2 });
    const held: Array<{ release(): void }> = [];
    let holding = true;
    rig.camera.onFrame((f) => {
      if (!holding) return;
      f.retain();
      held.push(f);
    });
    rig.camera.start();
    await until(() => (rig?.camera.metrics.dropped ?? 0) >= 3, 'drops while all buffers are held');
    expect(rig.camera.metrics.frames).toBe(2);
    holding = false;
    for (const f of held) f.release();
    const after = await rig.more(3);
    // The gap in frame numbers is exactly the drops: nothing is lost silently.
    const m = rig.camera.metrics;
    expect((after.at(-1) as (typeof after)[0]).seq + 1).toBe(m.frames + m.dropped);
  });
});
