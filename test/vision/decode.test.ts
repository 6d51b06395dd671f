import { describe, expect, it } from 'vitest';
import { decodeMoveNet, MOVENET_STRIDE } from '../../edge/vision/movenet-decode.ts';
import { iou, nms } from '../../edge/vision/nms.ts';

describe('MoveNet MultiPose decoding', () => {
  it('maps normalised [y,x] of a non-square letterboxed input back to frame pixels', () => {
    // 768×576 frame → 256×192 input (scale 1/3): normalised x×256×3 = x×768, y×192×3 = y×576.
    const lb = { size: 256, width: 256, height: 192, scale: 1 / 3, data: new Uint8Array(0) };
    const raw = new Float32Array(2 * MOVENET_STRIDE);
    for (let j = 0; j < 17; j++) raw.set([0.5, 0.25, 0.8], j * 3);
    raw.set([0.4, 0.2, 0.6, 0.3, 0.7], 51);
    raw.set([0.1, 0.1, 0.2, 0.2, 0.05], MOVENET_STRIDE + 51); // below minScore
    const persons = decodeMoveNet(raw, lb, { width: 768, height: 576, data: new Uint8Array(0) }, 0.2);
    expect(persons).toHaveLength(1);
    const p = persons[0];
    expect(p?.score).toBeCloseTo(0.7, 5);
    expect(p?.box.map((v) => Math.round(v))).toEqual([154, 230, 230, 346]);
    expect(p?.keypoints[9]?.map((v) => Math.round(v * 100) / 100)).toEqual([192, 288, 0.8]);
  });
});

describe('NMS', () => {
  it('suppresses overlaps above the threshold, keeps the best first', () => {
    const boxes = [
      [0, 0, 10, 10],
      [1, 0, 11, 10],
      [20, 20, 30, 30],
    ] as const;
    expect(iou(boxes[0], boxes[1])).toBeCloseTo(90 / 110, 5);
    expect(nms(boxes, [0.8, 0.9, 0.5], 0.5)).toEqual([1, 2]);
    expect(nms(boxes, [0.8, 0.9, 0.5], 0.95)).toEqual([1, 0, 2]);
    expect(nms(boxes, [0.8, 0.9, 0.5], 0.5, 1)).toEqual([1]);
  });
});
