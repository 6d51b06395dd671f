import { loadStore } from '../../core/store/load-store.ts';
import { CartBook } from '../../edge/carts/index.ts';
import { EngineConfig } from '../../edge/engine/config.ts';
import { decideEvent } from '../../edge/engine/decide-event.ts';
import { createItemInference } from '../../edge/item-inference/index.ts';
import type { ShelfEventDraft } from '../../edge/shelf-events/index.ts';
import type { AssociationResult } from '../../edge/tracking/index.ts';

/** Decisions on one crafted event with a given association: the engine's unit-test fixture. */
export const store = loadStore('demo');
export const cfg = EngineConfig.parse({});
const inference = createItemInference(store, cfg.inference);

/** One cider (532 g) lifted from plate g1.s3.p3. */
export const ciderDraft: ShelfEventDraft = {
  id: 'g1.s3.p3@1000',
  shelfId: 'g1.s3',
  t0: 1000,
  t1: 2000,
  plates: [{ plateId: 'g1.s3.p3', deltaGrams: -532, seGrams: 1, t0: 1000, t1: 2000 }],
  deltaGrams: -532,
  seGrams: 1,
};

/** Decides `draft` with carts a, b and c open. */
export function decide(
  assoc: AssociationResult,
  draft: ShelfEventDraft = ciderDraft,
  sessions = ['a', 'b', 'c'],
) {
  const carts = new CartBook();
  for (const id of sessions) carts.open({ sessionId: id, token: `tok-${id}`, enteredAt: 0, members: 1 });
  const d = decideEvent(draft, { store, tracker: { associate: () => assoc }, inference, carts, cfg }, {});
  return { d, carts };
}
