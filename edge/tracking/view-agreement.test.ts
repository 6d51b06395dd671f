import { describe, expect, it } from 'vitest';
import type { Ray } from '../../core/geometry/camera-model.ts';
import type { Track } from './track-manager.ts';
import { rayGap, viewCost } from './view-agreement.ts';

const ray = (origin: [number, number, number], to: [number, number, number]): Ray => {
  const d = [to[0] - origin[0], to[1] - origin[1], to[2] - origin[2]] as [number, number, number];
  const n = Math.hypot(...d);
  return { origin, dir: [d[0] / n, d[1] / n, d[2] / n] };
};

function trackSeenBy(cameraId: string, t: number, neck: Ray, vx = 0): Track {
  return {
    id: 't1',
    sessionId: 's',
    x: 0,
    y: 0,
    vx,
    vy: 0,
    facing: undefined,
    lastT: t,
    bornAt: 0,
    hits: 5,
    exited: false,
    wrists: [],
    path: [],
    rays: { [cameraId]: { t, wrist: [null, null], neck } },
  };
}

/** Angular keypoint error of a 720p ceiling camera (4 px at f = 440 px). */
const SD = 4 / 440;

describe('cross-camera ray agreement', () => {
  const neck: [number, number, number] = [2, 3, 1.4];

  it('measures the gap between skew and parallel lines', () => {
    const hit = rayGap(ray([0, 0, 3], neck), ray([5, 0, 3], neck));
    expect(hit.gap).toBeCloseTo(0, 9);
    expect(hit.mid.map((v) => Math.round(v * 1000) / 1000)).toEqual(neck);
    expect(rayGap(ray([0, 0, 0], [1, 0, 0]), ray([0, 0.3, 1], [0, 0.3, 2])).gap).toBeCloseTo(0.3, 9);
    expect(rayGap(ray([0, 0, 0], [1, 0, 0]), ray([0, 0.2, 0], [1, 0.2, 0])).gap).toBeCloseTo(0.2, 9);
  });

  it('costs nothing for the same person, more the further someone else stands', () => {
    const tr = trackSeenBy('cam-b', 1000, ray([6, 0, 3.2], neck));
    expect(viewCost(ray([0, 0, 3.2], neck), tr, 1030, 'cam-a', [2, 3], SD)).toBeLessThan(0.01);
    // Beside them (across the cameras' baseline) the rays miss each other...
    const beside = (dy: number) =>
      viewCost(ray([0, 0, 3.2], [2, 3 + dy, 1.4]), tr, 1030, 'cam-a', [2, 3 + dy], SD);
    expect(beside(0.25)).toBeGreaterThan(1);
    expect(beside(0.4)).toBeGreaterThan(beside(0.25) + 1.5);
    // The same views with no keypoint error are sharper: the keypoints' share is what softens it.
    expect(viewCost(ray([0, 0, 3.2], [2, 3.25, 1.4]), tr, 1030, 'cam-a', [2, 3.25], 0)).toBeGreaterThan(2);
    // ... along it they cross, and a crossing over a metre from where the detection stands is no agreement.
    expect(viewCost(ray([0, 0, 3.2], [2.25, 3, 1.4]), tr, 1030, 'cam-a', [3.5, 3], SD)).toBeGreaterThan(2);
  });

  it('moves the other view along the track velocity, ignores its own camera and stale views', () => {
    // Seen by cam-b 60 ms ago while walking at 1.5 m/s in x: now 9 cm further on.
    const tr = trackSeenBy('cam-b', 1000, ray([6, 0, 3.2], neck), 1.5);
    const now: [number, number, number] = [2.09, 3, 1.4];
    expect(viewCost(ray([0, 0, 3.2], now), tr, 1060, 'cam-a', [2.09, 3], SD)).toBeLessThan(0.05);
    expect(viewCost(ray([0, 0, 3.2], [3, 3, 1.4]), tr, 1060, 'cam-b', [3, 3], SD)).toBe(0);
    expect(viewCost(ray([0, 0, 3.2], [3, 3, 1.4]), tr, 1500, 'cam-a', [3, 3], SD)).toBe(0);
    expect(viewCost(null, tr, 1030, 'cam-a', [2, 3], SD)).toBe(0);
  });
});
