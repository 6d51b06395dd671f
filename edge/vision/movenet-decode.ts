import type { PersonDetection } from '../../core/messages.ts';
import type { RgbFrame } from './index.ts';
import type { Letterboxed } from './preprocess.ts';
import { clamp } from './preprocess.ts';

/** Values per MultiPose detection: 17 × [y, x, score] then [ymin, xmin, ymax, xmax, score], all normalised. */
export const MOVENET_STRIDE = 56;

/**
 * Maps MultiPose output [1, 6, 56] back to frame pixels. Coordinates are normalised to the square
 * letterboxed input, so pixel = norm × input side / scale; anything in the padding is clamped to the frame.
 */
export function decodeMoveNet(
  raw: Float32Array,
  lb: Letterboxed,
  frame: RgbFrame,
  minScore: number,
): PersonDetection[] {
  const px = (v: number) => clamp((v * lb.width) / lb.scale, 0, frame.width);
  const py = (v: number) => clamp((v * lb.height) / lb.scale, 0, frame.height);
  const persons: PersonDetection[] = [];
  for (let o = 0; o + MOVENET_STRIDE <= raw.length; o += MOVENET_STRIDE) {
    const score = clamp(raw[o + 55] ?? 0, 0, 1);
    if (score < minScore) continue;
    const keypoints: [number, number, number][] = [];
    for (let j = 0; j < 17; j++) {
      const b = o + j * 3;
      keypoints.push([px(raw[b + 1] ?? 0), py(raw[b] ?? 0), clamp(raw[b + 2] ?? 0, 0, 1)]);
    }
    const box: [number, number, number, number] = [
      px(raw[o + 52] ?? 0),
      py(raw[o + 51] ?? 0),
      px(raw[o + 54] ?? 0),
      py(raw[o + 53] ?? 0),
    ];
    persons.push({ score, box, keypoints });
  }
  return persons.sort((a, b) => b.score - a.score);
}
