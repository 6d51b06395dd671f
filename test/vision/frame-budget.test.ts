import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CameraPoses } from '../../core/messages.ts';
import { CameraPoseWorker, createVisionMetrics } from '../../edge/vision/frame-budget.ts';
import { createPoseBackend, type PoseBackend } from '../../edge/vision/index.ts';
import { writeYoloPoseModel } from './yolo-pose-model.ts';

let dir: string;
let backend: PoseBackend;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'walkout-budget-'));
  const file = path.join(dir, 'm.onnx');
  await writeYoloPoseModel(file, 64, [{ cx: 20, cy: 20, w: 10, h: 20, score: 0.9 }]);
  backend = await createPoseBackend({ backend: 'onnx', model: file, inputSize: 64 });
});
afterAll(async () => {
  await backend?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('per-camera frame budget', () => {
  it('skips frames that arrive while busy, keeps the newest, counts both in prom-client', async () => {
    const registry = new Registry();
    const metrics = createVisionMetrics(registry);
    const out: CameraPoses[] = [];
    const worker = new CameraPoseWorker('cam-1', backend, (m) => out.push(m), metrics);
    const frame = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(255) };
    // A burst of 10 frames offered faster than inference: frame 0 runs, 1..8 are replaced, 9 runs next.
    for (let i = 0; i < 10; i++) worker.offer(frame, i, 1000 + i * 100);
    await worker.flush();
    expect(out.map((m) => [m.frame, m.t])).toEqual([
      [0, 1000],
      [9, 1900],
    ]);
    expect(out[0]?.cameraId).toBe('cam-1');
    expect(out[0]?.persons).toHaveLength(1);
    const text = await registry.metrics();
    expect(text).toMatch(/walkout_vision_frames_processed_total\{camera="cam-1"\} 2/);
    expect(text).toMatch(/walkout_vision_frames_skipped_total\{camera="cam-1"\} 8/);
    expect(text).toMatch(/walkout_vision_inference_ms_count\{camera="cam-1"\} 2/);
  });

  it('processes every frame when frames arrive slower than inference', async () => {
    const out: CameraPoses[] = [];
    const worker = new CameraPoseWorker('cam-2', backend, (m) => out.push(m));
    const frame = { width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(255) };
    for (let i = 0; i < 3; i++) {
      worker.offer(frame, i, i);
      await worker.flush();
    }
    expect(out.map((m) => m.frame)).toEqual([0, 1, 2]);
  });
});
