import { describe, expect, it } from 'vitest';
import { CameraModel, type V3 } from '../../core/geometry/camera-model.ts';
import type { CameraPoses } from '../../core/messages.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { addLimbs, type LimbTrack } from './limbs.ts';

const store = loadStore('demo');
const cams = store.config.cameras.map((c) => new CameraModel(c));

/** A 17-keypoint detection with only the left arm (shoulder 5, elbow 7, wrist 9) filled in. */
function detection(
  cam: CameraModel,
  joints: Record<number, V3>,
  hidden: number[],
): CameraPoses['persons'][number] {
  const keypoints: Array<[number, number, number]> = Array.from({ length: 17 }, () => [0, 0, 0]);
  for (const [k, p] of Object.entries(joints)) {
    const px = cam.project(p);
    if (!px) continue;
    keypoints[Number(k)] = [px[0], px[1], hidden.includes(Number(k)) ? 0.1 : 0.9];
  }
  return { score: 0.9, box: [0, 0, 10, 10], keypoints };
}

const dist = (a: readonly number[], b: readonly number[]) =>
  Math.hypot((a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0), (a[2] ?? 0) - (b[2] ?? 0));

describe('wrists from arms', () => {
  // A shopper at x 1.5 in front of gondola g1 (face at x 2.0) reaching into the second shelf.
  const body: [number, number] = [1.5, 3.6];
  const shoulder: V3 = [1.5, 3.79, 1.4];
  const wrist: V3 = [2.2, 3.7, 0.7];
  const elbow: V3 = [
    (shoulder[0] + wrist[0]) / 2,
    (shoulder[1] + wrist[1]) / 2,
    (shoulder[2] + wrist[2]) / 2,
  ];
  const seeing = cams.filter((c) =>
    [shoulder, elbow, wrist].every((p) => {
      const px = c.project(p);
      return px !== undefined && c.inImage(px[0], px[1], 2);
    }),
  );

  const track = (): LimbTrack => ({ x: body[0], y: body[1], rays: {}, wrists: [] });

  it('places a hidden wrist where the arm points, triangulated across two views', () => {
    expect(seeing.length).toBeGreaterThanOrEqual(2);
    const tr = track();
    for (const cam of seeing.slice(0, 2))
      addLimbs(tr, 1000, cam, detection(cam, { 5: shoulder, 7: elbow, 9: wrist }, [9]));
    const tri = tr.wrists.filter((w) => w.tri);
    // The first view alone gives a ray; with the second, the arm is triangulated.
    expect(tr.wrists).toHaveLength(2);
    expect(tri).toHaveLength(1);
    expect(tri[0]?.arm).toBe(true);
    expect(dist(tri[0]?.p ?? [], wrist)).toBeLessThan(0.05);
  });

  it('uses the wrist itself when it is seen, and never mixes it with a guess from the arm', () => {
    const [a, b] = seeing as [CameraModel, CameraModel];
    const seen = track();
    addLimbs(seen, 1000, a, detection(a, { 5: shoulder, 7: elbow, 9: wrist }, []));
    addLimbs(seen, 1010, b, detection(b, { 5: shoulder, 7: elbow, 9: wrist }, []));
    expect(seen.wrists.at(-1)).toMatchObject({ tri: true });
    expect(seen.wrists.at(-1)?.arm).toBeUndefined();
    expect(dist(seen.wrists.at(-1)?.p ?? [], wrist)).toBeLessThan(0.01);
    const mixed = track();
    addLimbs(mixed, 1000, a, detection(a, { 5: shoulder, 7: elbow, 9: wrist }, [9]));
    addLimbs(mixed, 1010, b, detection(b, { 5: shoulder, 9: wrist }, []));
    expect(mixed.wrists.map((w) => [w.tri, w.arm ?? false])).toEqual([
      [false, true],
      [false, false],
    ]);
  });

  it('keeps one view as a ray, and adds nothing without an elbow', () => {
    const tr = track();
    const cam = seeing[0] as CameraModel;
    addLimbs(tr, 1000, cam, detection(cam, { 5: shoulder, 7: elbow, 9: wrist }, [9]));
    expect(tr.wrists).toHaveLength(1);
    expect(tr.wrists[0]?.tri).toBe(false);
    expect(tr.wrists[0]?.ray).toBeDefined();
    const bare = track();
    addLimbs(bare, 1000, cam, detection(cam, { 5: shoulder, 9: wrist }, [9]));
    expect(bare.wrists).toHaveLength(0);
  });

  it('ignores views older than the cross-view window', () => {
    const tr = track();
    const [a, b] = seeing as [CameraModel, CameraModel];
    addLimbs(tr, 1000, a, detection(a, { 5: shoulder, 7: elbow, 9: wrist }, [9]));
    addLimbs(tr, 1500, b, detection(b, { 5: shoulder, 7: elbow, 9: wrist }, [9]));
    expect(tr.wrists.every((w) => !w.tri)).toBe(true);
  });
});
