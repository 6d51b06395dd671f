import { describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { CartBook } from '../carts/index.ts';
import { createItemInference } from '../item-inference/index.ts';
import type { ShelfEventDraft } from '../shelf-events/index.ts';
import type { AssociationResult } from '../tracking/index.ts';
import { EngineConfig } from './config.ts';
import { decideEvent } from './decide-event.ts';

const store = loadStore('demo');
const cfg = EngineConfig.parse({});

// One cider (532 g) lifted from plate g1.s3.p3.
const draft: ShelfEventDraft = {
  id: 'g1.s3.p3@1000',
  shelfId: 'g1.s3',
  t0: 1000,
  t1: 2000,
  plates: [{ plateId: 'g1.s3.p3', deltaGrams: -532, seGrams: 1, t0: 1000, t1: 2000 }],
  deltaGrams: -532,
  seGrams: 1,
};

function decide(assoc: AssociationResult) {
  const carts = new CartBook();
  for (const id of ['a', 'b', 'c'])
    carts.open({ sessionId: id, token: `tok-${id}`, enteredAt: 0, members: 1 });
  const inference = createItemInference(store, cfg.inference);
  const d = decideEvent(draft, { store, tracker: { associate: () => assoc }, inference, carts, cfg }, {});
  return { d, carts };
}

describe('event decisions', () => {
  it('an event by a track that may follow a rival goes to review and the rival shares the doubt', () => {
    const { d, carts } = decide({
      candidates: [
        { sessionId: 'a', prob: 1 },
        { sessionId: 'b', prob: 0 },
        { sessionId: 'c', prob: 0 },
      ],
      uncertain: 'shopper passed close to another; identities may have swapped',
      rivals: ['c'],
    });
    expect(d.event.sessionId).toBeNull();
    expect(d.event.review).toMatch(/may have swapped/);
    expect(d.applied).toEqual([{ sessionId: 'a', sku: 'cider-500', quantity: 1 }]);
    // c's own tracks were far from the shelf, yet it may be c's shopper: c's cart is no longer sure.
    expect(carts.confidence('c')).toBeCloseTo(0.5);
    expect(carts.get('c')?.reasons.join()).toMatch(/may be theirs/);
    // b was ruled out by the wrists and is no rival: untouched.
    expect(carts.confidence('b')).toBe(1);
    expect(carts.get('b')?.reasons).toEqual([]);
  });

  it('a reviewed event is a review reason for every runner-up with a few per cent, so no cart is charged without it', () => {
    // Busy traffic: carts were charged without an item whose reviewed event gave them 3-4 %.
    const { d, carts } = decide({
      candidates: [
        { sessionId: 'a', prob: 0.933 },
        { sessionId: 'b', prob: 0.037 },
        { sessionId: 'c', prob: 0.03 },
      ],
    });
    expect(d.event.review).toMatch(/p=0.933/);
    for (const id of ['b', 'c']) expect(carts.get(id)?.reasons.join()).toMatch(/may be theirs/);
  });

  it('a certain attribution touches no other cart', () => {
    const { d, carts } = decide({
      candidates: [
        { sessionId: 'a', prob: 1 },
        { sessionId: 'c', prob: 0 },
      ],
    });
    expect(d.event.sessionId).toBe('a');
    expect(carts.confidence('c')).toBe(1);
  });
});
