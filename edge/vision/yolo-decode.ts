import type { PersonDetection } from '../../core/messages.ts';
import type { RgbFrame } from './index.ts';
import { type Box, nms } from './nms.ts';
import type { Letterboxed } from './preprocess.ts';
import { clamp } from './preprocess.ts';

/** Rows of a YOLO-pose head: cx, cy, w, h, person score, then 17 × [x, y, visibility]. */
export const YOLO_POSE_ROWS = 56;

/**
 * Decodes YOLO-pose output [1, 56, N] (channel-major, input-pixel coordinates) into persons in
 * frame pixels: score filter, NMS on boxes, then the letterbox is undone.
 */
export function decodeYoloPose(
  raw: Float32Array,
  anchors: number,
  lb: Letterboxed,
  frame: RgbFrame,
  minScore: number,
  iouThreshold: number,
): PersonDetection[] {
  const at = (row: number, i: number) => raw[row * anchors + i] ?? 0;
  const cand: number[] = [];
  const boxes: Box[] = [];
  const scores: number[] = [];
  for (let i = 0; i < anchors; i++) {
    const s = at(4, i);
    if (s < minScore) continue;
    const cx = at(0, i);
    const cy = at(1, i);
    const w = at(2, i);
    const h = at(3, i);
    cand.push(i);
    boxes.push([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]);
    scores.push(s);
  }
  const sx = (v: number) => clamp(v / lb.scale, 0, frame.width);
  const sy = (v: number) => clamp(v / lb.scale, 0, frame.height);
  return nms(boxes, scores, iouThreshold).map((k) => {
    const i = cand[k] as number;
    const b = boxes[k] as Box;
    const keypoints: [number, number, number][] = [];
    for (let j = 0; j < 17; j++)
      keypoints.push([sx(at(5 + j * 3, i)), sy(at(6 + j * 3, i)), clamp(at(7 + j * 3, i), 0, 1)]);
    return { score: clamp(scores[k] ?? 0, 0, 1), box: [sx(b[0]), sy(b[1]), sx(b[2]), sy(b[3])], keypoints };
  });
}
