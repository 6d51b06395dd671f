import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraPoses } from '../../core/messages.ts';
import { CameraPoseWorker } from '../../hardware/camera/pose-worker.ts';
import { ThreadedPoseBackend } from '../../hardware/camera/threaded-backend.ts';
import { fetchModels } from '../../models/fetch.ts';
import { type RtspServer, start } from '../fixtures/rtsp-server.ts';
import { CameraRig, until } from './camera-rig.ts';

let srv: RtspServer;
let backend: ThreadedPoseBackend;
beforeAll(async () => {
  await fetchModels(['movenet-multipose']);
  // Input 512: ~300-500 ms per frame here, slower than the 10 fps stream, so the budget must drop frames.
  [srv, backend] = await Promise.all([
    start(),
    ThreadedPoseBackend.create({ backend: 'wasm', model: 'movenet-multipose', inputSize: 512 }),
  ]);
}, 120_000);
afterAll(async () => {
  await backend?.dispose();
  await srv?.stop();
});

describe('pose worker on a live camera, inference in a worker thread', () => {
  it('a model slower than the stream skips frames (every frame accounted for) and publishes valid poses', async () => {
    const rig = new CameraRig({ url: srv.url, size: '512x384' });
    const published: CameraPoses[] = [];
    const worker = new CameraPoseWorker(rig.camera, backend, {
      publish: (topic, msg) => {
        if (topic === 'camera.poses') published.push(CameraPoses.parse(msg));
      },
    });
    try {
      rig.camera.start();
      await rig.camera.waitStreaming(20_000);
      await until(
        () => worker.counters.processed >= 3 && worker.counters.skipped >= 3,
        '3 processed, 3 skipped',
        60_000,
      );
      await rig.camera.close();
      await worker.stop();
      const c = worker.counters;
      // Each delivered frame was processed, replaced while waiting, or still waiting when stopped.
      expect(rig.camera.metrics.frames - c.processed - c.skipped).toBeGreaterThanOrEqual(0);
      expect(rig.camera.metrics.frames - c.processed - c.skipped).toBeLessThanOrEqual(1);
      // The worker holds at most two buffers, so the camera itself never had to drop a frame.
      expect(rig.camera.metrics.dropped).toBe(0);
      expect(c.errors).toBe(0);
      expect(published).toHaveLength(c.processed);
      expect(published.some((p) => p.persons.length >= 2)).toBe(true);
      const frames = published.map((p) => p.frame);
      expect(new Set(frames).size).toBe(frames.length);
      // Published in decode coordinates when no store resolution is given.
      for (const p of published) for (const q of p.persons) expect(q.box[2]).toBeLessThanOrEqual(513);
      // Clothing colours are read from the real frames: most people in the footage get a torso colour,
      // and not one grey for all (the street scene has dark and light clothes).
      const persons = published.flatMap((p) => p.persons);
      const tops = persons.flatMap((q) => (q.appearance?.upper ? [q.appearance.upper] : []));
      expect(tops.length).toBeGreaterThanOrEqual(persons.length / 2);
      const brightness = tops.map((c) => c[0] + c[1] + c[2]);
      expect(Math.max(...brightness) - Math.min(...brightness)).toBeGreaterThan(60);
    } finally {
      await rig.camera.close();
      await worker.stop();
    }
  });
});
