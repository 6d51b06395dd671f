import { learnLooks } from './looks.ts';
import type { Track } from './track-manager.ts';

/**
 * Body height as an identity cue. Heights triangulated from two cameras (the shoulder midpoint, on
 * the body's axis) measure a shopper to ~2.6 cm; a track's signature, learnt while it is alone,
 * to ~1.2 cm (simulated busy store). That tells most pairs of shoppers apart after they have passed
 * each other. No image, face or appearance is used, and nothing outlives the session.
 */

/** Triangulated heights after a moment that make a fresh estimate. */
const MIN_FRESH = 5;
/** Detections folded into a height signature before it counts, and the most it keeps weighing. */
const SIGNATURE_MIN = 8;
const SIGNATURE_MAX = 400;
/** A track this far from everyone of other sessions is measured alone: its heights are its own. */
const ALONE_M = 0.7;

export function median(v: number[]): number | undefined {
  if (v.length === 0) return undefined;
  const s = [...v].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Median of the track's triangulated heights since `since`, once there are enough of them. */
export function freshHeight(tr: Track, since: number): number | undefined {
  const hs = (tr.recentHeights ?? []).filter(([t, , tri]) => t >= since && tri).map(([, h]) => h);
  return hs.length >= MIN_FRESH ? median(hs) : undefined;
}

export function signature(tr: Track): number | undefined {
  return tr.signature && tr.signature.n >= SIGNATURE_MIN ? tr.signature.h : undefined;
}

/**
 * Folds the heights measured in (from, to] into the signatures of tracks that are alone, not in
 * doubt and not in an unresolved meeting (`busy`): a signature must describe one person.
 */
export function learnSignatures(
  from: number,
  to: number,
  tracks: Track[],
  everyone: Track[],
  busy: (tr: Track) => boolean,
): void {
  for (const tr of tracks) {
    if (tr.contested || busy(tr)) continue;
    // Shoppers of one group (one session) walk together; a signature mixing them still tells the
    // group from everyone else.
    const near = (o: Track) =>
      o !== tr && o.sessionId !== tr.sessionId && Math.hypot(o.x - tr.x, o.y - tr.y) < ALONE_M;
    if (everyone.some(near)) continue;
    const sig = (tr.signature ??= { h: 0, n: 0 });
    for (const [ht, h, tri] of tr.recentHeights ?? []) {
      if (!tri || ht <= from || ht > to) continue;
      sig.n = Math.min(sig.n + 1, SIGNATURE_MAX);
      sig.h += (h - sig.h) / sig.n;
    }
    learnLooks(tr, from, to);
  }
}

/**
 * Track `tr` now follows the person `from` followed when they met at `cut`: it takes over that
 * person's session, signature, doubt marks and the history gathered before the meeting.
 */
export function takeIdentity(
  tr: Track,
  from: Pick<Track, 'sessionId' | 'signature' | 'looks' | 'contested' | 'wrists' | 'path'>,
  cut: number,
): void {
  tr.sessionId = from.sessionId;
  tr.signature = from.signature;
  tr.looks = from.looks;
  tr.contested = from.contested;
  tr.wrists = [...from.wrists.filter((w) => w.t < cut), ...tr.wrists.filter((w) => w.t >= cut)];
  tr.path = [...from.path.filter((p) => p[0] < cut), ...tr.path.filter((p) => p[0] >= cut)];
}

/** Exchanges two tracks' identities (see takeIdentity). */
export function swapIdentities(a: Track, b: Track, cut: number): void {
  const old = {
    sessionId: a.sessionId,
    signature: a.signature,
    looks: a.looks,
    contested: a.contested,
    wrists: a.wrists,
    path: a.path,
  };
  takeIdentity(a, b, cut);
  takeIdentity(b, old, cut);
}
