import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { FrameSlot } from '../../hardware/camera/frame-ring.ts';
import {
  type CameraConfigInput,
  createCamera,
  FrameRing,
  RawFrameAssembler,
} from '../../hardware/camera/index.ts';
import { ensureFootage } from '../fixtures/fetch-footage.ts';
import { CameraRig, meanAbsDiff } from './camera-rig.ts';

const rtsp = (extra: Record<string, unknown>): CameraConfigInput =>
  ({ type: 'rtsp', cameraId: 'cam1', url: 'rtsp://127.0.0.1:8554/cam', ...extra }) as CameraConfigInput;

function configError(cfg: CameraConfigInput): string {
  try {
    createCamera(cfg);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('config accepted');
}

describe('camera config', () => {
  it('rejects malformed input with a message naming the field', () => {
    expect(configError(rtsp({ url: 'http://127.0.0.1/cam' }))).toMatch(/^ {2}url: must be an rtsp:\/\//m);
    expect(configError(rtsp({ url: 'rtsp://' }))).toMatch(/url: must be an rtsp/);
    expect(configError(rtsp({ url: 'rtsp://host name/x' }))).toMatch(/url: /);
    expect(configError(rtsp({ size: '640*480' }))).toMatch(/size: must be WIDTHxHEIGHT/);
    expect(configError(rtsp({ size: '641x480' }))).toMatch(/size: width and height must be even/);
    expect(configError(rtsp({ ringSize: 1 }))).toMatch(/ringSize: must be >= 2/);
    expect(configError(rtsp({ fps: 10 }))).toMatch(/unknown key "fps"/);
    expect(configError(rtsp({ reconnect: { initialMs: 0 } }))).toMatch(/reconnect\.initialMs: must be > 0/);
    expect(configError({ type: 'usb', cameraId: 'x' } as unknown as CameraConfigInput)).toMatch(/type/);
  });

  it('accepts a valid config with defaults and does nothing until started', async () => {
    const cam = createCamera(rtsp({ url: 'rtsp://user:secret@127.0.0.1:8554/stream1?x=1' }));
    expect([cam.width, cam.height, cam.state, cam.decoderPid]).toEqual([512, 384, 'idle', undefined]);
    await cam.close();
    expect(cam.state).toBe('closed');
    await expect(cam.waitStreaming(10)).rejects.toThrow(/closed/);
  });
});

describe('RawFrameAssembler', () => {
  it('cuts an arbitrarily chunked byte stream into frames inside the preallocated ring', async () => {
    const ring = new FrameRing('cam1', 4, 2, 3);
    const frameBytes = ring.frameBytes; // 24
    const stream = Buffer.from(Array.from({ length: frameBytes * 7 + 5 }, (_, i) => i & 0xff));
    const asm = new RawFrameAssembler(ring);
    const seen: Array<{ index: number; first: number; last: number; data: Buffer }> = [];
    asm.on('data', (s: FrameSlot) => {
      seen.push({
        index: s.index,
        first: s.data[0] as number,
        last: s.data[frameBytes - 1] as number,
        data: s.data,
      });
      s.release();
    });
    // Chunks of 1..29 bytes: frame boundaries fall inside chunks and across them.
    for (let off = 0, k = 1; off < stream.length; off += k, k = (k * 7) % 29 || 1)
      asm.write(stream.subarray(off, off + k));
    asm.end();
    await new Promise((r) => asm.once('finish', r));
    expect(seen.map((f) => f.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    for (const f of seen) {
      expect(f.first).toBe((f.index * frameBytes) & 0xff);
      expect(f.last).toBe((f.index * frameBytes + frameBytes - 1) & 0xff);
    }
    // No allocation per frame: every frame lived in one of the three ring buffers.
    expect(new Set(seen.map((f) => f.data)).size).toBe(3);
    expect(seen.every((f) => ring.slots.some((s) => s.data === f.data))).toBe(true);
    expect([asm.dropped, asm.partial]).toEqual([0, 1]); // the 5 trailing bytes
  });
});

describe('file camera (recorded footage)', () => {
  it('plays vtest.avi in real time at the configured size', async () => {
    const { vtest } = await ensureFootage();
    const rig = new CameraRig({ type: 'file', path: vtest, size: '192x144' } as CameraConfigInput);
    try {
      rig.camera.start();
      await rig.camera.waitStreaming(20_000);
      const got = await rig.more(12);
      expect(got.every((f) => f.width === 192 && f.height === 144 && f.mean > 40)).toBe(true);
      expect(
        meanAbsDiff((got[0] as (typeof got)[0]).sample, (got[11] as (typeof got)[0]).sample),
      ).toBeGreaterThan(0.5);
      // -re paces at the footage's 10 fps: 11 intervals take about 1.1 s, not a few milliseconds.
      expect((got[11] as (typeof got)[0]).t - (got[0] as (typeof got)[0]).t).toBeGreaterThan(700);
    } finally {
      await rig.camera.close();
    }
  });
});
