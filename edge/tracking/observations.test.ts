import { describe, expect, it } from 'vitest';
import { CameraModel } from '../../core/geometry/camera-model.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { angularSd, geometryVariance } from './observations.ts';

const store = loadStore('demo');
const cfg = store.config.cameras[0];
if (!cfg) throw new Error('demo store has cameras');
const cam = new CameraModel(cfg);

/** Spread (m²) of floor points when the ankle's pixel moves by one angular sd in each image direction. */
function empirical(x: number, y: number, z: number): number {
  const px = cam.project([x, y, z]);
  if (!px) throw new Error('not in view');
  const step = angularSd(cam) * cam.focalPx;
  let sum = 0;
  for (const [du, dv] of [
    [step, 0],
    [-step, 0],
    [0, step],
    [0, -step],
  ] as const) {
    const r = cam.unproject(px[0] + du, px[1] + dv);
    const s = (z - r.origin[2]) / r.dir[2];
    sum += (r.origin[0] + s * r.dir[0] - x) ** 2 + (r.origin[1] + s * r.dir[1] - y) ** 2;
  }
  // A pixel error of one sd in both image directions shifts the point by the covariance's trace; half
  // of it per floor axis, which is the mean of these four one-direction shifts.
  return sum / 4;
}

describe('floor-point variance from the viewing geometry', () => {
  it('matches how far a keypoint error moves the floor point, near the camera and far from it', () => {
    const [cx, cy] = cam.centre;
    const forward = cam.rz;
    const h = Math.hypot(forward[0], forward[1]);
    for (const d of [1, 3, 6]) {
      const x = cx + (forward[0] / h) * d;
      const y = cy + (forward[1] / h) * d;
      const ratio = geometryVariance(cam, x, y, 0.08) / empirical(x, y, 0.08);
      // Within a factor of two: lens distortion and the off-axis tilt are left out of the formula.
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    }
    // A person 6 m away along the floor is placed an order of magnitude less surely than one 1 m away.
    const at = (d: number) =>
      geometryVariance(cam, cx + (forward[0] / h) * d, cy + (forward[1] / h) * d, 0.08);
    expect(at(6) / at(1)).toBeGreaterThan(10);
  });
});
