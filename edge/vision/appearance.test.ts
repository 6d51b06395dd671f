import { describe, expect, it } from 'vitest';
import { CameraPoses, type PersonDetection, type Rgb } from '../../core/messages.ts';
import { withAppearance } from './appearance.ts';
import type { RgbFrame } from './index.ts';

const W = 320;
const H = 240;

function frame(): RgbFrame {
  const data = new Uint8Array(W * H * 3);
  data.fill(120);
  return { width: W, height: H, data };
}

function paint(f: RgbFrame, [x1, y1, x2, y2]: [number, number, number, number], c: Rgb): void {
  for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) f.data.set(c, (y * W + x) * 3);
}

/** A standing person whose shoulders are at y0, hips 50 px and knees 90 px below, centred on cx. */
function person(cx: number, y0: number, hidden: number[] = []): PersonDetection {
  const kps: Array<[number, number, number]> = Array.from({ length: 17 }, () => [cx, y0, 0.9]);
  const at = (i: number, x: number, y: number) => {
    kps[i] = [x, y, hidden.includes(i) ? 0.1 : 0.9];
  };
  at(5, cx + 15, y0);
  at(6, cx - 15, y0);
  at(11, cx + 10, y0 + 50);
  at(12, cx - 10, y0 + 50);
  at(13, cx + 10, y0 + 90);
  at(14, cx - 10, y0 + 90);
  at(15, cx + 10, y0 + 130);
  at(16, cx - 10, y0 + 130);
  return { score: 0.9, box: [cx - 25, y0 - 30, cx + 25, y0 + 140], keypoints: kps };
}

describe('clothing colour from the frame', () => {
  it('reads the torso and thigh colours inside the keypoints, not the background', () => {
    const f = frame();
    paint(f, [84, 38, 117, 91], [200, 30, 40]); // red top: shoulders at y 40, hips at y 90
    paint(f, [88, 90, 112, 130], [50, 70, 110]); // denim
    const [p] = withAppearance(f, [person(100, 40)]);
    expect(p?.appearance?.upper).toEqual([200, 30, 40]);
    expect(p?.appearance?.lower).toEqual([50, 70, 110]);
  });

  it('leaves out the pixels of a person standing nearer the camera, and a region mostly covered', () => {
    const f = frame();
    paint(f, [84, 38, 117, 91], [200, 30, 40]); // red top: shoulders at y 40, hips at y 90
    paint(f, [88, 90, 112, 130], [50, 70, 110]);
    // A nearer person (feet lower in the image) covers the left part of the torso only.
    paint(f, [60, 40, 96, 230], [20, 20, 20]);
    const back = person(100, 40);
    const front: PersonDetection = { ...person(78, 70), box: [60, 40, 96, 230] };
    const [p, q] = withAppearance(f, [back, front]);
    expect(p?.appearance?.upper).toEqual([200, 30, 40]);
    // The one in front is not masked by the one behind it.
    expect(q?.appearance?.upper).toEqual([20, 20, 20]);
    const hidden = withAppearance(f, [back, { ...front, box: [70, 20, 130, 235] }])[0];
    expect(hidden?.appearance).toBeUndefined();
  });

  it('reports no region whose keypoints are hidden, and nothing outside the frame', () => {
    const f = frame();
    const [legsOnly] = withAppearance(f, [person(100, 40, [5, 6])]);
    expect(legsOnly?.appearance?.upper).toBeUndefined();
    expect(legsOnly?.appearance?.lower).toEqual([120, 120, 120]);
    const [off] = withAppearance(f, [person(-200, 40)]);
    expect(off?.appearance).toBeUndefined();
  });

  it('stands one visible keypoint of a pair in for the other', () => {
    const f = frame();
    paint(f, [84, 38, 117, 91], [200, 30, 40]); // red top: shoulders at y 40, hips at y 90
    const [p] = withAppearance(f, [person(100, 40, [6, 12])]);
    expect(p?.appearance?.upper).toEqual([200, 30, 40]);
  });

  it('is validated at the bus boundary: a bad colour is rejected naming the field', () => {
    const ok = {
      cameraId: 'cam1',
      frame: 1,
      t: 5,
      persons: [{ ...person(100, 40), appearance: { upper: [1, 2, 3] } }],
    };
    expect(CameraPoses.safeParse(ok).success).toBe(true);
    for (const appearance of [{ upper: [1, 2, 300] }, { upper: [1, 2] }, { torso: [1, 2, 3] }, [1, 2, 3]]) {
      const r = CameraPoses.safeParse({ ...ok, persons: [{ ...person(100, 40), appearance }] });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.path).toEqual(['persons', 0, 'appearance']);
    }
  });
});
