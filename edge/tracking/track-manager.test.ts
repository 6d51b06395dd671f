import { describe, expect, it } from 'vitest';
import { CameraModel } from '../../core/geometry/camera-model.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { framesAt } from '../../test/tracking/synthetic-poses.ts';
import { TrackManager } from './track-manager.ts';

const store = loadStore('demo');
const T0 = 1_800_000_000_000;
const cameras = store.config.cameras.map((c) => new CameraModel(c));

/** A shopper in the first aisle, next to one camera and 7-9 m from others, tracked for a second. */
const at = { x: 1, y: 3.5 };
function settled(): TrackManager {
  const tracks = new TrackManager(store);
  for (let k = 0; k < 10; k++)
    for (const f of framesAt(store, T0 + k * 100, [at], k)) tracks.onFrame(f, () => null);
  expect(tracks.tracks).toHaveLength(1);
  return tracks;
}

/** One camera's view of a detection 0.8 m from the shopper, along the aisle. */
function strayFrom(cam: CameraModel) {
  const d = Math.hypot(at.x - cam.centre[0], at.y - cam.centre[1]);
  const stray = { x: at.x, y: at.y + 0.8 };
  // 50 ms after the others saw the shopper: their rays and this one disagree, so it cannot just be matched.
  const frame = framesAt(store, T0 + 950, [stray], 10).find((f) => f.cameraId === cam.id);
  if (!frame || frame.persons.length !== 1) throw new Error(`${cam.id} does not see ${stray.x}, ${stray.y}`);
  return { frame, d };
}

describe('track manager', () => {
  it('takes a far camera’s stray detection near a tracked shopper for them, a near camera’s for someone else', () => {
    const frames = framesAt(store, T0, [at], 0);
    const seeing = cameras
      .filter((c) => frames.find((f) => f.cameraId === c.id)?.persons.length === 1)
      .sort(
        (a, b) =>
          Math.hypot(at.x - a.centre[0], at.y - a.centre[1]) -
          Math.hypot(at.x - b.centre[0], at.y - b.centre[1]),
      );
    const nearest = seeing[0];
    const farthest = seeing[seeing.length - 1];
    if (!nearest || !farthest) throw new Error('cameras');
    // Its rays disagree with the other views', so it is not matched; but from 9 m at a grazing angle
    // 0.8 m is within what the camera's own error can do (~0.24 m per axis): no new person.
    const far = strayFrom(farthest);
    expect(far.d).toBeGreaterThan(8.5);
    const a = settled();
    a.onFrame(far.frame, () => null);
    expect(a.tracks).toHaveLength(1);
    // From close by it cannot (8 cm): that is a second person.
    const near = strayFrom(nearest);
    expect(near.d).toBeLessThan(4);
    const b = settled();
    b.onFrame(near.frame, () => null);
    expect(b.tracks).toHaveLength(2);
  });

  it('does not hand a lost shopper’s track a bad detection of someone still being tracked', () => {
    const lostAt = { x: 1, y: 5.5 };
    const tracks = new TrackManager(store);
    for (let k = 0; k < 10; k++)
      for (const f of framesAt(store, T0 + k * 100, [at, lostAt], k)) tracks.onFrame(f, () => null);
    const [b, a] = [...tracks.tracks].sort((p, q) => p.y - q.y);
    if (!a || !b || tracks.tracks.length !== 2) throw new Error('two tracks expected');
    a.sessionId = 's-lost';
    b.sessionId = 's-seen';
    // The shopper at 5.5 m goes unseen for 5 s (hidden behind a shelf); the other one is seen on.
    for (let k = 10; k < 60; k++)
      for (const f of framesAt(store, T0 + k * 100, [at], k)) tracks.onFrame(f, () => null);
    const lostSince = a.lastT;
    // A far camera misplaces the seen shopper by 0.8 m, towards where the lost one was: that is
    // the seen shopper measured badly, not the lost one found again (1.2 m from where it was lost).
    const cams = store.config.cameras.map((c) => new CameraModel(c));
    const far = cams
      .filter((c) => framesAt(store, T0, [at], 0).find((f) => f.cameraId === c.id)?.persons.length === 1)
      .sort(
        (p, q) =>
          Math.hypot(at.x - q.centre[0], at.y - q.centre[1]) -
          Math.hypot(at.x - p.centre[0], at.y - p.centre[1]),
      )[0];
    if (!far) throw new Error('camera');
    const stray = framesAt(store, T0 + 5950, [{ x: at.x, y: at.y + 0.8 }], 60).find(
      (f) => f.cameraId === far.id,
    );
    if (!stray || stray.persons.length !== 1) throw new Error('stray');
    tracks.onFrame(stray, () => null);
    expect(a.lastT).toBe(lostSince);
    expect(Math.hypot(a.x - lostAt.x, a.y - lostAt.y)).toBeLessThan(0.2);
    expect(tracks.tracks).toHaveLength(2);
    expect(tracks.counters.reacquired).toBe(0);
  });
});
