import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CameraPoses } from '../../core/messages.ts';
import { createPoseBackend, type PoseBackend, type RgbFrame } from '../../edge/vision/index.ts';
import { type Anchor, kpOf, writeYoloPoseModel } from './yolo-pose-model.ts';

const SIZE = 64;
const ANCHORS: Anchor[] = [
  { cx: 20, cy: 20, w: 10, h: 20, score: 0.9 },
  { cx: 21, cy: 20, w: 10, h: 20, score: 0.8 }, // overlaps the first: NMS must drop it
  { cx: 45, cy: 30, w: 8, h: 16, score: 0.7 },
  { cx: 40, cy: 10, w: 8, h: 16, score: 0.1 }, // below minScore
];
// Frame 128×96 letterboxed into 64×64: scale 0.5, so frame px = input px × 2.
const frame = (value: number): RgbFrame => ({
  width: 128,
  height: 96,
  data: new Uint8Array(128 * 96 * 3).fill(value),
});

let dir: string;
let backend: PoseBackend;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'walkout-onnx-'));
  const file = path.join(dir, 'stub-pose.onnx');
  await writeYoloPoseModel(file, SIZE, ANCHORS);
  backend = await createPoseBackend({
    backend: 'onnx',
    model: file,
    inputSize: SIZE,
    minScore: 0.25,
    iouThreshold: 0.5,
  });
});
afterAll(async () => {
  await backend?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('ONNX Runtime YOLO-pose backend', () => {
  it('decodes boxes and keypoints, applies NMS and maps back to frame pixels', async () => {
    const persons = await backend.detect(frame(255));
    CameraPoses.parse({ cameraId: 'c1', frame: 0, t: 1, persons });
    expect(persons.map((p) => p.score)).toEqual([expect.closeTo(0.9, 5), expect.closeTo(0.7, 5)]);
    expect(persons[0]?.box).toEqual([30, 20, 50, 60].map((v) => expect.closeTo(v, 4)));
    expect(persons[1]?.box).toEqual([82, 44, 98, 76].map((v) => expect.closeTo(v, 4)));
    const a = ANCHORS[0] as Anchor;
    persons[0]?.keypoints.forEach(([x, y, s], j) => {
      const [kx, ky] = kpOf(a, j);
      expect(x).toBeCloseTo(Math.min(kx * 2, 128), 4);
      expect(y).toBeCloseTo(ky * 2, 4);
      expect(s).toBeCloseTo(0.9, 5);
    });
  });

  it('a black frame (all scores zero) yields no persons', async () => {
    expect(await backend.detect(frame(0))).toEqual([]);
  });

  it('keeps both boxes when NMS threshold is above their overlap', async () => {
    const loose = await createPoseBackend({
      backend: 'onnx',
      model: path.join(dir, 'stub-pose.onnx'),
      inputSize: SIZE,
      iouThreshold: 0.95,
      minScore: 0.25,
    });
    try {
      expect((await loose.detect(frame(255))).length).toBe(3);
    } finally {
      await loose.dispose();
    }
  });

  it('rejects a missing model file and an invalid config naming the field', async () => {
    await expect(
      createPoseBackend({ backend: 'onnx', model: path.join(dir, 'nope.onnx'), inputSize: SIZE }),
    ).rejects.toThrow(/not found/);
    await expect(createPoseBackend({ backend: 'onnx', inputSize: 100 })).rejects.toThrow(/inputSize/);
    await expect(createPoseBackend({ backend: 'gpu' } as never)).rejects.toThrow(/backend/);
  });
});
