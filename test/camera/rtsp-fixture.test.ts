import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { type RtspServer, start } from '../fixtures/rtsp-server.ts';

const run = promisify(execFile);
const W = 192;
const H = 144;

/**
 * Pulls n frames from the server with Debian's ffmpeg, as an independent RTSP client. A stream that
 * stalls fails after 10 s of socket silence, with the server's own log in the message.
 */
async function grab(url: string, n: number, srv?: RtspServer): Promise<Buffer[]> {
  // biome-ignore format: ffmpeg arguments read best in pairs
  const args = ['-v', 'error', '-rtsp_transport', 'tcp', '-timeout', '10000000', '-i', url, '-frames:v', String(n),
    '-vf', `scale=${W}:${H}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const { stdout } = await run('ffmpeg', args, {
    encoding: 'buffer',
    maxBuffer: 1 << 26,
    timeout: 30_000,
  }).catch((e: Error) => {
    throw new Error(`${e.message}\nserver log:\n${srv?.log() ?? ''}`);
  });
  const size = W * H * 3;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, i) =>
    stdout.subarray(i * size, (i + 1) * size),
  );
}

const meanAbsDiff = (a: Buffer, b: Buffer): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return s / a.length;
};

describe('RTSP fixture (GStreamer RTSP server, vtest footage)', () => {
  let srv: RtspServer | undefined;
  afterAll(async () => srv?.stop());

  it('streams moving real footage, survives a restart on the same port, and serves two mounts', {
    timeout: 90_000,
  }, async () => {
    srv = await start({ mounts: ['/cam', '/cam2'] });
    expect(srv.url).toBe(`rtsp://127.0.0.1:${srv.port}/cam`);
    const frames = await grab(srv.url, 15, srv);
    expect(frames).toHaveLength(15);
    const first = frames[0] as Buffer;
    const last = frames[14] as Buffer;
    // CCTV footage: mostly static background with people walking, so frames differ a little, not wholly.
    const mean = first.reduce((s, v) => s + v, 0) / first.length;
    expect(mean).toBeGreaterThan(40);
    expect(mean).toBeLessThan(220);
    expect(meanAbsDiff(first, last)).toBeGreaterThan(0.5);

    const port = srv.port;
    await srv.restart();
    expect(srv.port).toBe(port);
    expect(await grab(srv.urlOf('/cam2'), 3, srv)).toHaveLength(3);
    await srv.stop();
    expect(srv.running).toBe(false);
    await expect(grab(srv.url, 1)).rejects.toThrow();
  });
});
