import type { StoreModel } from '../../core/store/store-model.ts';
import type { CartBook } from '../carts/index.ts';
import type { ShelfEventDetector } from '../shelf-events/index.ts';
import type { EventStore } from '../storage/index.ts';
import type { Tracker } from '../tracking/index.ts';
import type { EngineConfig } from './config.ts';
import type { Publish } from './index.ts';
import type { EngineCounters } from './metrics.ts';

/** A session that exited and waits for its pending interactions to settle. */
export interface PendingFinal {
  sessionId: string;
  exitedAt: number;
}

export interface FinaliseDeps {
  store: StoreModel;
  cfg: EngineConfig;
  detector: ShelfEventDetector;
  tracker: Tracker;
  carts: CartBook;
  storage: EventStore | undefined;
  publish: Publish;
  counters: EngineCounters;
}

/**
 * Turns an exited session's cart into a receipt: review reasons for plates still faulted that the
 * shopper may have used, then the receipt is committed to the event store before it is published,
 * so after a crash the re-derived receipt is recognised and not sent twice.
 */
export function finaliseSession(d: FinaliseDeps, p: PendingFinal, clock: number): void {
  const cart = d.carts.get(p.sessionId);
  if (!cart) return;
  // A plate that is still faulted may hide a take: anyone who may have been at it goes to review.
  for (const f of d.detector.faults()) {
    if (f.since > p.exitedAt) continue;
    const plate = d.store.plate(f.plateId);
    if (!plate) continue;
    const a = d.tracker.associate({
      plates: [plate],
      t0: Math.max(f.since, cart.enteredAt),
      t1: Math.max(f.since, cart.enteredAt, p.exitedAt),
    });
    const mine = a.candidates.find((c) => c.sessionId === p.sessionId);
    if ((mine && (a.uncertain || mine.prob >= d.cfg.carts.otherCandidateProb)) || (!mine && a.uncertain))
      d.carts.addReason(
        p.sessionId,
        `plate ${f.plateId} faulted (${f.reason}) while the shopper was in the store`,
      );
  }
  const receipt = d.carts.finalise(p.sessionId, d.store.id, clock, d.cfg.carts.reviewThreshold);
  if (!receipt) return;
  d.storage?.logDecision(`final:${p.sessionId}`, 'finalised', {
    status: receipt.status,
    confidence: receipt.confidence,
  });
  const isNew = d.storage ? d.storage.commitReceipt(receipt) : true;
  if (!isNew) return;
  if (receipt.status === 'charge') d.counters.receiptsCharge++;
  else d.counters.receiptsReview++;
  d.publish('edge.receipt', receipt);
  d.publish('edge.session', {
    sessionId: receipt.sessionId,
    token: receipt.token,
    t: receipt.finalisedAt,
    state: receipt.status === 'charge' ? 'finalised' : 'review',
    members: cart.members,
  });
}
