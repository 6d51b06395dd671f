import type { ShelfEvent } from '../../core/messages.ts';
import type { CartBook } from '../carts/index.ts';
import type { Tracker } from '../tracking/index.ts';

/** A doubt an event put on one cart: its review reason and the log-confidence it cost. */
export interface Docked {
  sessionId: string;
  reason: string;
  logPenalty: number;
  /** For the cart that got the event's line: its association probability without the doubt. */
  eventId?: string;
  associationProb?: number;
}

/**
 * An event sent to review only because the shopper who reached in may have swapped identities with
 * another in a close pass. The tracker keeps weighing body heights after the pass; when it settles
 * that the track still follows its own session's shopper, the event is that session's after all and
 * its doubts are taken back from every cart they were put on (carts already finalised keep them).
 * Held in the engine snapshot, so a restart resumes the same holds.
 */
export interface IdentityHold {
  event: ShelfEvent;
  trackId: string;
  /** The session whose cart got the event's line. */
  sessionId: string;
  /** Sessions the track may have been confused with. */
  rivals: string[];
  docked: Docked[];
}

export interface SettledHold {
  hold: IdentityHold;
  /** The event as it stands now: charged to the session, no longer in review. */
  event: ShelfEvent;
}

/**
 * Asks the tracker about every hold: settled ones are lifted and returned, ones the tracker can no
 * longer settle (track ended or now bound elsewhere) are dropped and stay in review, the rest wait.
 */
export function settleHolds(
  holds: IdentityHold[],
  tracker: Pick<Tracker, 'identityStatus'>,
  carts: CartBook,
  t: number,
): { open: IdentityHold[]; settled: SettledHold[] } {
  const open: IdentityHold[] = [];
  const settled: SettledHold[] = [];
  for (const h of holds) {
    // Its cart was finalised meanwhile: the receipt went out with the doubt.
    if (!carts.has(h.sessionId)) continue;
    const status = tracker.identityStatus?.(h.trackId, h.sessionId, h.rivals) ?? 'lost';
    if (status === 'doubtful') open.push(h);
    if (status !== 'kept') continue;
    for (const d of h.docked) carts.undoDoubt(d.sessionId, d);
    const { review, ...rest } = h.event;
    settled.push({
      hold: h,
      event: { ...rest, sessionId: h.sessionId, settled: { t, review: review ?? '' } },
    });
  }
  return { open, settled };
}
