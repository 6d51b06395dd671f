import { describe, expect, it } from 'vitest';
import { loadStore } from '../store/load-store.ts';
import { CameraModel, triangulate } from './camera-model.ts';

describe('camera model', () => {
  const store = loadStore('demo');
  const cams = store.config.cameras.map((c) => new CameraModel(c));

  it('projects the look-at point to the principal point', () => {
    const cfg = store.config.cameras[0];
    if (!cfg) throw new Error('no camera');
    const cam = new CameraModel({ ...cfg, intrinsics: { ...cfg.intrinsics, distortion: [] } });
    const [u, v] = cam.project(cfg.pose.lookAt) ?? [Number.NaN, Number.NaN];
    expect(u).toBeCloseTo(cfg.intrinsics.cx, 6);
    expect(v).toBeCloseTo(cfg.intrinsics.cy, 6);
  });

  it('unproject inverts project through distortion', () => {
    for (const [i, cam] of cams.entries()) {
      // A point the camera sees off its axis (where distortion matters), towards what it looks at.
      const [lx, ly] = store.config.cameras[i]?.pose.lookAt ?? [0, 0];
      const ahead = [lx - cam.centre[0], ly - cam.centre[1]];
      const p: [number, number, number] = [
        cam.centre[0] + 0.5 * (ahead[0] ?? 0) + 0.7,
        cam.centre[1] + 0.5 * (ahead[1] ?? 0) - 0.4,
        1.1,
      ];
      const px = cam.project(p);
      if (!px || !cam.inImage(px[0], px[1])) throw new Error(`${cam.id} does not see the point`);
      const ray = cam.unproject(px[0], px[1]);
      const t = (p[2] - ray.origin[2]) / ray.dir[2];
      expect(ray.origin[0] + t * ray.dir[0]).toBeCloseTo(p[0], 3);
      expect(ray.origin[1] + t * ray.dir[1]).toBeCloseTo(p[1], 3);
    }
  });

  it('triangulates a point seen by several cameras', () => {
    const p: [number, number, number] = [3.1, 5.2, 1.3];
    const rays = cams
      .map((c) => ({ c, px: c.project(p) }))
      .filter((x) => x.px && x.c.inImage(x.px[0], x.px[1]))
      .map((x) => x.c.unproject(x.px?.[0] ?? 0, x.px?.[1] ?? 0));
    expect(rays.length).toBeGreaterThanOrEqual(2);
    const q = triangulate(rays);
    expect(q?.[0]).toBeCloseTo(p[0], 4);
    expect(q?.[1]).toBeCloseTo(p[1], 4);
    expect(q?.[2]).toBeCloseTo(p[2], 4);
  });
});
