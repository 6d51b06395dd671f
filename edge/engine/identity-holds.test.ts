import { describe, expect, it } from 'vitest';
import { cfg, ciderDraft as draft, decide as setup, store } from '../../test/fusion/decide-fixture.ts';
import type { ShelfEventDraft } from '../shelf-events/index.ts';
import type { AssociationResult, IdentityStatus } from '../tracking/index.ts';
import { settleHolds } from './identity-holds.ts';

// The wrists say a (97 %), b was near too (3 %); a's track is in a close pass with c.
const doubtful: AssociationResult = {
  candidates: [
    { sessionId: 'a', prob: 0.97 },
    { sessionId: 'b', prob: 0.03 },
    { sessionId: 'c', prob: 0 },
  ],
  uncertain: 'shopper is next to another; identities not yet resolved',
  rivals: ['c'],
  identityDoubt: { trackId: 't1', sessionId: 'a' },
};
const certain: AssociationResult = {
  candidates: doubtful.candidates,
};

const tracker = (status: IdentityStatus) => ({ identityStatus: () => status });

describe('events held for an identity doubt', () => {
  it('once the tracker keeps the identity, every cart is as if the attribution had been certain', () => {
    const held = setup(doubtful);
    expect(held.d.event.sessionId).toBeNull();
    expect(held.d.hold?.trackId).toBe('t1');
    for (const id of ['a', 'b', 'c']) expect(held.carts.get(id)?.reasons).toHaveLength(1);

    const { open, settled } = settleHolds([held.d.hold as never], tracker('kept'), held.carts, 5000);
    expect(open).toEqual([]);
    expect(settled[0]?.event).toMatchObject({ id: draft.id, sessionId: 'a', settled: { t: 5000 } });
    expect(settled[0]?.event.review).toBeUndefined();

    const plain = setup(certain);
    for (const id of ['a', 'b', 'c']) {
      expect(held.carts.get(id)?.reasons).toEqual([]);
      expect(held.carts.confidence(id)).toBeCloseTo(plain.carts.confidence(id), 9);
    }
    expect(held.carts.get('a')?.lines[0]?.evidence[0]?.associationProb).toBe(0.97);
  });

  it('a doubt still open waits; one the tracker can no longer settle stays in review', () => {
    const held = setup(doubtful);
    const hold = held.d.hold as never;
    expect(settleHolds([hold], tracker('doubtful'), held.carts, 5000).open).toHaveLength(1);
    const lost = settleHolds([hold], tracker('lost'), held.carts, 5000);
    expect(lost).toEqual({ open: [], settled: [] });
    for (const id of ['a', 'b', 'c']) expect(held.carts.get(id)?.reasons).toHaveLength(1);
  });

  it('a doubt whose cart was finalised meanwhile is dropped', () => {
    const held = setup(doubtful);
    held.carts.finalise('a', store.id, 4000, cfg.carts.reviewThreshold);
    expect(settleHolds([held.d.hold as never], tracker('kept'), held.carts, 5000)).toEqual({
      open: [],
      settled: [],
    });
    expect(held.carts.get('c')?.reasons).toHaveLength(1);
  });

  it('an event with another doubt as well (the item) is not held', () => {
    // 300 g fits no product on the plate well: the item is in doubt too.
    const odd: ShelfEventDraft = {
      ...draft,
      deltaGrams: -300,
      plates: [{ plateId: 'g1.s3.p3', deltaGrams: -300, seGrams: 1, t0: 1000, t1: 2000 }],
    };
    const { d } = setup(doubtful, odd, ['a', 'c']);
    expect(d.event.review).toMatch(/item uncertain|no product/);
    expect(d.hold).toBeUndefined();
  });

  it('an event the wrists alone would not make certain is not held', () => {
    const { d } = setup({
      ...doubtful,
      candidates: [
        { sessionId: 'a', prob: 0.88 },
        { sessionId: 'b', prob: 0.12 },
      ],
    });
    expect(d.event.review).toMatch(/identities/);
    expect(d.hold).toBeUndefined();
  });

  it('a "two shoppers" doubt is not held: no later height can tell whose hand it was', () => {
    const { d } = setup({
      ...doubtful,
      uncertain: 'two shoppers at the shelf (0.10 m vs 0.12 m)',
      identityDoubt: undefined,
    });
    expect(d.event.review).toMatch(/two shoppers/);
    expect(d.hold).toBeUndefined();
  });
});
