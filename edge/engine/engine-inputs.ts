import type { InputTopic, ShelfSamples, TopicMap } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { CartState } from '../carts/index.ts';
import type { ShelfEventDetectorState } from '../shelf-events/index.ts';
import type { ForeignStock } from './decide-event.ts';
import type { PendingFinal } from './finalise-session.ts';
import type { IdentityHold } from './identity-holds.ts';
import type { EngineCounters } from './metrics.ts';

/** Everything the engine needs to resume after kill -9; plain JSON. */
export interface EngineState {
  version: 1;
  clock: number;
  position: number;
  detector: ShelfEventDetectorState;
  carts: CartState[];
  tracker: unknown;
  pendingFinal: PendingFinal[];
  foreign: ForeignStock;
  counters: EngineCounters;
  lastStep: number;
  /** Events held for an identity doubt (optional: snapshots written before holds existed). */
  holds?: IdentityHold[];
}

/** The store time a message speaks for: a sample batch's last reading, else its `t`. */
export function messageTime<T extends InputTopic>(topic: T, msg: TopicMap[T]): number {
  if (topic === 'shelf.samples') {
    const m = msg as ShelfSamples;
    return m.t0 + (m.grams.length - 1) * m.periodMs;
  }
  return (msg as { t: number }).t;
}

/**
 * Out-of-range readings (beyond `rangeFactor` × the plate's capacity, either sign) become invalid
 * ones, counted in `counters.outOfRangeSamples`; a copy only when something changes.
 */
export function sanitiseSamples(
  m: ShelfSamples,
  store: StoreModel,
  rangeFactor: number,
  counters: Pick<EngineCounters, 'outOfRangeSamples'>,
): ShelfSamples {
  const cap = store.plate(m.plateId)?.plate.capacityGrams;
  if (cap === undefined) return m;
  const lim = cap * rangeFactor;
  let grams: ShelfSamples['grams'] | null = null;
  for (let i = 0; i < m.grams.length; i++) {
    const g = m.grams[i];
    if (g === null || g === undefined) continue;
    if (g > lim || g < -lim) {
      grams ??= [...m.grams];
      grams[i] = null;
      counters.outOfRangeSamples++;
    }
  }
  return grams ? { ...m, grams } : m;
}
