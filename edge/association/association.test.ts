import { describe, expect, it } from 'vitest';
import type { Ray, V3 } from '../../core/geometry/camera-model.ts';
import type { Box3 } from '../../core/store/schema.ts';
import type { SessionRecord } from '../tracking/session-registry.ts';
import type { Track, WristSample } from '../tracking/track-manager.ts';
import { type AssociationParams, associate, DEFAULT_ASSOCIATION, reachedInto } from './index.ts';

// The bottom shelf of a gondola whose face is at x = 2.0.
const shelf: Box3 = { min: [2, 3, 0.15], max: [2.5, 3.4, 0.51] };

const session = (id: string): SessionRecord => ({
  sessionId: id,
  token: `tok-${id}`,
  enteredAt: 0,
  scanGate: 'entry',
  passagesIn: 1,
  exitedMembers: 0,
  exitedAt: null,
});

function track(id: string, x: number, y: number, wrists: WristSample[]): Track {
  return {
    id,
    sessionId: id,
    x,
    y,
    vx: 0,
    vy: 0,
    facing: 0,
    lastT: 1000,
    bornAt: 0,
    hits: 50,
    exited: false,
    wrists,
    path: [[1000, x, y]],
    rays: {},
  };
}

function rayThrough(origin: V3, through: V3): Ray {
  const d: V3 = [through[0] - origin[0], through[1] - origin[1], through[2] - origin[2]];
  const n = Math.hypot(...d);
  return { origin, dir: [d[0] / n, d[1] / n, d[2] / n] };
}

/** One camera's guess of a wrist: the point of its ray nearest the body axis, and the ray. */
function singleView(camera: V3, wrist: V3, body: [number, number]): WristSample {
  return { t: 1000, p: wrist, tri: false, ray: rayThrough(camera, wrist), body };
}

/** An event on `shelf` over 900-1100 ms, with sessions A and B inside and the cameras up. */
function betweenAB(
  tracks: Record<string, Track[]>,
  p: AssociationParams = DEFAULT_ASSOCIATION,
  busy: ReadonlySet<string> = new Set(),
) {
  return associate(
    [shelf],
    900,
    1100,
    [session('a'), session('b')],
    (id) => tracks[id] ?? [],
    true,
    undefined,
    p,
    [],
    busy,
  );
}

describe('association from wrists', () => {
  it('counts the hands in the shelf while its weight changed, not a neighbour’s reach a second earlier', () => {
    // B reached into the same shelf 0.5-0.7 s before this event began (their own take, say) and is
    // back at the body; A's hand is in the shelf during the event, 5 cm further out than B's was.
    const b = track('b', 1.55, 3.0, [
      { t: 300, p: [2.2, 3.1, 0.3], tri: true },
      { t: 400, p: [2.2, 3.1, 0.3], tri: true },
      { t: 950, p: [1.6, 3.0, 0.8], tri: true },
    ]);
    const a = track('a', 1.5, 3.5, [{ t: 1000, p: [1.95, 3.38, 0.3], tri: true }]);
    const tracks: Record<string, Track[]> = { a: [a], b: [b] };
    const r = betweenAB(tracks);
    expect(r.candidates[0]?.sessionId).toBe('a');
    expect(r.uncertain).toBeUndefined();
    // Looking 1.2 s back, as before, B's earlier reach wins the event.
    const wide = betweenAB(tracks, { ...DEFAULT_ASSOCIATION, before: 1200, after: 600 });
    expect(wide.candidates[0]?.sessionId).toBe('b');
  });

  it('a hand hanging at the hip is no reach, even when its one-camera ray runs into a low shelf', () => {
    // B stands beside the shelf, hands down; a camera behind B sees the right wrist along a ray that
    // continues down into the bottom shelf. A's hand is triangulated inside that shelf.
    const bystander = track('b', 1.55, 3.2, [singleView([0.6, 3.2, 3.2], [1.6, 3.2, 0.8], [1.55, 3.2])]);
    const actor = track('a', 1.6, 3.8, [{ t: 1000, p: [2.2, 3.35, 0.3], tri: true }]);
    const tracks: Record<string, Track[]> = { a: [actor], b: [bystander] };
    const r = betweenAB(tracks);
    expect(r.candidates[0]?.sessionId).toBe('a');
    expect(r.candidates[0]?.prob).toBeGreaterThan(0.95);
    expect(r.uncertain).toBeUndefined();
  });

  it('a one-camera ray that reaches the shelf away from the body still counts as a reach', () => {
    // Only one camera sees B's hand, at arm's length inside the shelf; nobody else is near.
    const reach = track('b', 1.55, 3.2, [singleView([0.6, 3.2, 3.2], [2.1, 3.2, 0.35], [1.55, 3.2])]);
    const far = track('a', 1.5, 6.0, [{ t: 1000, p: [1.6, 6.0, 0.8], tri: true }]);
    const tracks: Record<string, Track[]> = { a: [far], b: [reach] };
    const r = betweenAB(tracks);
    expect(r.candidates[0]?.sessionId).toBe('b');
    expect(r.uncertain).toBeUndefined();
  });

  it('two hands in the shelf at once is sent to review', () => {
    const a = track('a', 1.6, 3.8, [{ t: 1000, p: [2.2, 3.35, 0.3], tri: true }]);
    const b = track('b', 1.55, 3.0, [{ t: 1000, p: [2.15, 3.05, 0.3], tri: true }]);
    const tracks: Record<string, Track[]> = { a: [a], b: [b] };
    const r = betweenAB(tracks);
    expect(r.uncertain).toMatch(/two shoppers at the shelf/);
  });

  it('hands seen nowhere near the shelf do not decide between two shoppers standing by it', () => {
    // Both hands hidden in the low shelf; what the cameras saw of them came no nearer than 0.8 and
    // 0.93 m. A few centimetres' lead that far out is not whose hand it was.
    const a = track('a', 1.3, 3.2, [{ t: 1000, p: [1.2, 3.2, 0.4], tri: true }]);
    const b = track('b', 1.2, 3.6, [{ t: 1000, p: [1.07, 3.2, 0.4], tri: true }]);
    const tracks: Record<string, Track[]> = { a: [a], b: [b] };
    const r = betweenAB(tracks);
    expect(r.candidates[0]?.sessionId).toBe('a');
    expect(r.candidates[0]?.prob).toBeLessThan(0.8);
    expect(r.uncertain).toMatch(/two shoppers at the shelf \(0\.80 m vs 0\.93 m\)/);
    // On the scale of hands seen at the plates, the same lead looked certain.
    const narrow = betweenAB(tracks, { ...DEFAULT_ASSOCIATION, hiddenSigma: DEFAULT_ASSOCIATION.sigma });
    expect(narrow.candidates[0]?.prob).toBeGreaterThan(0.99);
    expect(narrow.uncertain).toBeUndefined();
  });

  it('a hand busy with another plate at the time is no second hand in this shelf', () => {
    // Both hands in the shelf, as above; B's track was the confident actor of an event on another
    // plate at the same moment, so its wrist here is that reach, and the event is A's.
    const a = track('a', 1.6, 3.8, [{ t: 1000, p: [2.2, 3.35, 0.3], tri: true }]);
    const b = track('b', 1.55, 3.0, [{ t: 1000, p: [2.15, 3.05, 0.3], tri: true }]);
    const tracks: Record<string, Track[]> = { a: [a], b: [b] };
    const run = (busy: Set<string>) => betweenAB(tracks, DEFAULT_ASSOCIATION, busy);
    const r = run(new Set(['b']));
    expect(r.candidates.map((c) => c.sessionId)).toEqual(['a', 'b']);
    expect(r.candidates[1]?.prob).toBeLessThan(0.06);
    expect(r.uncertain).toBeUndefined();
    expect(r.actor).toBe('a');
    // The winner busy elsewhere hands the event to the other hand in the shelf.
    const w = run(new Set(['a']));
    expect(w.candidates[0]?.sessionId).toBe('b');
    expect(w.uncertain).toBeUndefined();
    // A group member busy elsewhere does not speak for the group: its other member does.
    const far = { ...track('b2', 1.4, 6.5, [{ t: 1000, p: [1.6, 6.5, 0.9], tri: true }]), sessionId: 'b' };
    tracks.b = [b, far];
    const g = run(new Set(['b']));
    expect(g.candidates[0]?.sessionId).toBe('a');
    expect(g.candidates[1]?.prob).toBeLessThan(1e-6);
  });

  it('finds who reached into a plate, and not who stood beside it (a faulted plate detects no event)', () => {
    const a = track('a', 1.6, 3.4, [{ t: 500, p: [2.2, 3.25, 0.3], tri: true }]);
    const b = track('b', 1.55, 3.0, [{ t: 500, p: [1.75, 3.0, 0.35], tri: true }]);
    const tracks: Record<string, Track[]> = { a: [a], b: [b] };
    const present = [session('a'), session('b')];
    expect(reachedInto([shelf], 0, 1000, present, (id) => tracks[id] ?? [], 0.15)).toEqual(['a']);
    // Outside the window nobody reached in.
    expect(reachedInto([shelf], 600, 1000, present, (id) => tracks[id] ?? [], 0.15)).toEqual([]);
  });

  describe('dwell: how long a hand stayed at the plates', () => {
    const inShelf = (from: number, to: number): WristSample[] => {
      const out: WristSample[] = [];
      for (let t = from; t <= to; t += 50) out.push({ t, p: [2.2, 3.25, 0.3], tri: true });
      return out;
    };
    const atBody = (x: number, y: number): WristSample => ({ t: 200, p: [x, y, 0.8], tri: true });
    const run = (a: Track, b: Track, p = DEFAULT_ASSOCIATION) => {
      const tracks: Record<string, Track[]> = { a: [a], b: [b] };
      return associate(
        [shelf],
        0,
        1500,
        [session('a'), session('b')],
        (id) => tracks[id] ?? [],
        true,
        undefined,
        p,
      );
    };

    it('the hand that stayed in the shelf wins over a wrist that strayed as near once', () => {
      const a = track('a', 1.6, 3.4, inShelf(0, 1500));
      // B's wrist came within 5 cm of the shelf face for one frame and was at the body otherwise.
      const b = track('b', 1.55, 3.0, [atBody(1.6, 3.0), { t: 700, p: [1.95, 3.1, 0.3], tri: true }]);
      const r = run(a, b);
      expect(r.candidates[0]?.sessionId).toBe('a');
      expect(r.candidates[0]?.prob).toBeGreaterThan(0.99);
      expect(r.uncertain).toBeUndefined();
      // The closest approach alone cannot tell them apart.
      expect(run(a, b, { ...DEFAULT_ASSOCIATION, dwellWeight: 0 }).uncertain).toMatch(/two shoppers/);
    });

    it('two hands that both stayed in the shelf stay ambiguous however long one of them stayed', () => {
      // Two takes of one facing can merge into one event of two units: B's 0.3 s in the shelf may
      // be one of them.
      const a = track('a', 1.6, 3.4, inShelf(0, 1500));
      const b = track('b', 1.55, 3.0, [atBody(1.6, 3.0), ...inShelf(600, 850)]);
      const r = run(a, b);
      expect(r.candidates[0]?.sessionId).toBe('a');
      expect(r.uncertain).toMatch(/two shoppers/);
      expect(
        run(a, b, { ...DEFAULT_ASSOCIATION, bothDwelt: Number.POSITIVE_INFINITY }).uncertain,
      ).toBeUndefined();
    });
  });

  it('a hand in the shelf of someone bound to no session sends the event to review', () => {
    // Two sessions' shoppers stand back from the shelf; a person the gate never bound reaches in.
    const a = track('a', 1.3, 3.2, [{ t: 1000, p: [1.7, 3.2, 0.9], tri: true }]);
    const b = track('b', 1.2, 6.5, [{ t: 1000, p: [1.5, 6.5, 0.9], tri: true }]);
    const stranger = {
      ...track('u', 1.6, 3.6, [{ t: 1000, p: [2.2, 3.3, 0.3], tri: true }]),
      sessionId: null,
    };
    const tracks: Record<string, Track[]> = { a: [a], b: [b] };
    const present = [session('a'), session('b')];
    const r = associate([shelf], 900, 1100, present, (id) => tracks[id] ?? [], true, undefined, undefined, [
      stranger,
    ]);
    expect(r.candidates[0]?.sessionId).toBe('a');
    expect(r.uncertain).toMatch(/unidentified shopper/);
    // Without the stranger, a's hand at 0.3 m from the shelf is the only one there: certain.
    const alone = associate([shelf], 900, 1100, present, (id) => tracks[id] ?? [], true);
    expect(alone.uncertain).toBeUndefined();
  });

  it('names as rivals the sessions a contested or pending actor may really be, and lost sessions when nobody is near', () => {
    const actor = {
      ...track('a', 1.6, 3.8, [{ t: 1000, p: [2.2, 3.35, 0.3], tri: true }]),
      contested: { c: 800 },
    };
    const b = track('b', 1.2, 8.0, [{ t: 1000, p: [1.4, 8.0, 0.9], tri: true }]);
    const c = track('c', 5.0, 8.0, [{ t: 1000, p: [5.2, 8.0, 0.9], tri: true }]);
    const tracks: Record<string, Track[]> = { a: [actor], b: [b], c: [c] };
    const present = [session('a'), session('b'), session('c')];
    const swapped = associate([shelf], 900, 1100, present, (id) => tracks[id] ?? [], true);
    expect(swapped.candidates[0]?.sessionId).toBe('a');
    expect(swapped.uncertain).toMatch(/may have swapped/);
    // c is far from the shelf (p ≈ 0), yet a's track may be following c's shopper.
    expect(swapped.rivals).toEqual(['c']);
    const calm = { ...actor, contested: undefined };
    const calmTracks = (id: string) => (id === 'a' ? [calm] : (tracks[id] ?? []));
    const pending = associate([shelf], 900, 1100, present, calmTracks, true, (id) =>
      id === 'a' ? ['b'] : undefined,
    );
    expect(pending.uncertain).toMatch(/not yet resolved/);
    expect(pending.rivals).toEqual(['b']);
    const certain = associate([shelf], 900, 1100, present, calmTracks, true);
    expect(certain.uncertain).toBeUndefined();
    expect(certain.rivals).toBeUndefined();
    // Nobody within reach of the shelf: b was tracked elsewhere, c's track has been lost since −400,
    // 1.3 s before the event (a track missed for a few frames is not lost).
    const away = { ...calm, x: 6, y: 6, wrists: [], path: [[1000, 6, 6]] as Array<[number, number, number]> };
    const lostC = { ...c, lastT: -400, wrists: [], path: [[-400, 5, 8]] as Array<[number, number, number]> };
    const nobody = associate(
      [shelf],
      900,
      1100,
      present,
      (id) => (id === 'a' ? [away] : id === 'c' ? [lostC] : (tracks[id] ?? [])),
      true,
      undefined,
      { ...DEFAULT_ASSOCIATION, before: 200, after: 200 },
    );
    expect(nobody.uncertain).toMatch(/nearest shopper/);
    expect(nobody.rivals).toEqual(['c']);
  });
});
