import { describe, expect, it } from 'vitest';
import { decide } from '../../test/fusion/decide-fixture.ts';

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
