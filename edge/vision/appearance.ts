import type { PersonDetection, Rgb } from '../../core/messages.ts';
import type { RgbFrame } from './index.ts';

/**
 * Clothing colour of each detected person, for the tracker's second identity cue
 * (edge/tracking/looks.ts): the mean colour of the torso (the quadrilateral of shoulders and hips) and
 * of the thighs (hips and knees), sampled on a grid inside each. Pixels inside a person's box that
 * stands nearer the camera (its feet lower in the image) are left out, and a region with too few
 * pixels left, or without its keypoints, is not reported. Colour only: no face, no body shape.
 */

const KP_MIN = 0.3;
/** Grid samples per side, over the inner part of the region (fractions of its span). */
const GRID = 6;
const INNER = [0.2, 0.8] as const;
/** A region whose samples are more than this share covered is not measured (simulator/cameras.ts agrees). */
const MAX_COVERED = 0.6;

type Kps = PersonDetection['keypoints'];
type Pt = [number, number];

/** The two keypoints of a pair, either standing in for the other when only one is visible. */
function pair(kps: Kps, a: number, b: number): [Pt, Pt] | undefined {
  const ka = kps[a];
  const kb = kps[b];
  const pa: Pt | undefined = ka && ka[2] >= KP_MIN ? [ka[0], ka[1]] : undefined;
  const pb: Pt | undefined = kb && kb[2] >= KP_MIN ? [kb[0], kb[1]] : undefined;
  if (!pa && !pb) return undefined;
  return [pa ?? (pb as Pt), pb ?? (pa as Pt)];
}

const lerp = (p: Pt, q: Pt, s: number): Pt => [p[0] + (q[0] - p[0]) * s, p[1] + (q[1] - p[1]) * s];

function meanColour(
  frame: RgbFrame,
  top: [Pt, Pt],
  bottom: [Pt, Pt],
  nearer: ReadonlyArray<PersonDetection['box']>,
): Rgb | undefined {
  let r = 0;
  let g = 0;
  let b = 0;
  let n = 0;
  let total = 0;
  for (let i = 0; i < GRID; i++) {
    const u = INNER[0] + ((INNER[1] - INNER[0]) * i) / (GRID - 1);
    for (let j = 0; j < GRID; j++) {
      const v = INNER[0] + ((INNER[1] - INNER[0]) * j) / (GRID - 1);
      const [x, y] = lerp(lerp(top[0], top[1], u), lerp(bottom[0], bottom[1], u), v);
      const px = Math.round(x);
      const py = Math.round(y);
      if (px < 0 || py < 0 || px >= frame.width || py >= frame.height) continue;
      total++;
      if (nearer.some((q) => px >= q[0] && px <= q[2] && py >= q[1] && py <= q[3])) continue;
      const k = (py * frame.width + px) * 3;
      r += frame.data[k] as number;
      g += frame.data[k + 1] as number;
      b += frame.data[k + 2] as number;
      n++;
    }
  }
  if (total === 0 || n < total * (1 - MAX_COVERED)) return undefined;
  return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
}

/** The persons with `appearance` added where their torso or thighs could be measured. */
export function withAppearance(frame: RgbFrame, persons: PersonDetection[]): PersonDetection[] {
  return persons.map((p) => {
    const nearer = persons.filter((q) => q !== p && q.box[3] > p.box[3]).map((q) => q.box);
    const shoulders = pair(p.keypoints, 5, 6);
    const hips = pair(p.keypoints, 11, 12);
    const knees = pair(p.keypoints, 13, 14);
    const upper = shoulders && hips ? meanColour(frame, shoulders, hips, nearer) : undefined;
    const lower = hips && knees ? meanColour(frame, hips, knees, nearer) : undefined;
    if (!upper && !lower) return p;
    return { ...p, appearance: { ...(upper ? { upper } : {}), ...(lower ? { lower } : {}) } };
  });
}
