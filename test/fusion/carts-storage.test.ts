import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Receipt } from '../../core/receipt.ts';
import { CartBook } from '../../edge/carts/index.ts';
import { openEventStore, StorageError } from '../../edge/storage/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-fusion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ev = (id: string, kind: 'take' | 'return' | 'misplaced-return', d: number, hp = 0.999, ap = 1) => ({
  eventId: id,
  kind,
  plates: ['g1.s1.p1'],
  t0: 1000,
  t1: 1500,
  deltaGrams: d,
  hypothesisProb: hp,
  associationProb: ap,
});

describe('carts', () => {
  it('takes, put-backs and misplaced returns with evidence; confident carts are charged', () => {
    const book = new CartBook();
    book.open({ sessionId: 's1', token: 'tok-1', enteredAt: 100, members: 1 });
    book.apply({ sessionId: 's1', sku: 'cola-330', quantity: 2, evidence: ev('e1', 'take', -700) });
    book.apply({ sessionId: 's1', sku: 'beer-500', quantity: 1, evidence: ev('e2', 'take', -530) });
    book.apply({
      sessionId: 's1',
      sku: 'cola-330',
      quantity: -1,
      evidence: ev('e3', 'misplaced-return', 350),
    });
    book.exited('s1', 5000);
    expect(book.items('s1')).toEqual(
      new Map([
        ['cola-330', 1],
        ['beer-500', 1],
      ]),
    );
    const r = Receipt.parse(book.finalise('s1', 'demo', 7000, 0.9));
    expect(r.status).toBe('charge');
    expect(r.lines.map((l) => [l.sku, l.quantity])).toEqual([
      ['beer-500', 1],
      ['cola-330', 1],
    ]);
    expect(r.lines[1]?.evidence.map((e) => [e.eventId, e.kind, e.quantity])).toEqual([
      ['e1', 'take', 2],
      ['e3', 'misplaced-return', -1],
    ]);
    expect(r.confidence).toBeCloseTo(0.999 ** 3, 6);
    expect(book.has('s1')).toBe(false);
  });

  it('a put-back of something never taken, or low confidence, goes to review with reasons', () => {
    const book = new CartBook();
    book.open({ sessionId: 's2', token: 'tok-2', enteredAt: 100, members: 1 });
    book.apply({ sessionId: 's2', sku: 'cola-330', quantity: -1, evidence: ev('e4', 'return', 350) });
    book.apply({ sessionId: 's2', sku: 'tuna', quantity: 1, evidence: ev('e5', 'take', -186, 0.999, 0.6) });
    const r = Receipt.parse(book.finalise('s2', 'demo', 9000, 0.9));
    expect(r.status).toBe('review');
    expect(r.reviewReasons.join('\n')).toMatch(/e4: put back 1 × cola-330 but the cart held 0/);
    expect(r.reviewReasons.join('\n')).toMatch(/confidence 0\.59\d below threshold 0\.9/);
    expect(r.lines).toEqual([expect.objectContaining({ sku: 'tuna', quantity: 1 })]);
  });
});

describe('event store', () => {
  const receipt = (sessionId: string): Receipt => ({
    version: 1,
    storeId: 'demo',
    sessionId,
    token: `t-${sessionId}`,
    enteredAt: 1,
    exitedAt: 2,
    finalisedAt: 3,
    status: 'charge',
    confidence: 1,
    reviewReasons: [],
    lines: [],
  });

  it('commits receipts once, events with the snapshot, and survives reopening', () => {
    const path = join(dir, 'a.db');
    const s = openEventStore(path);
    s.bindSource('rec-1');
    expect(s.commitReceipt(receipt('s1'))).toBe(true);
    expect(s.commitReceipt(receipt('s1'))).toBe(false);
    s.logEvent({
      id: 'e1',
      t0: 1,
      t1: 2,
      plates: [{ plateId: 'p', deltaGrams: -1 }],
      deltaGrams: -1,
      hypotheses: [],
      candidates: [],
      sessionId: null,
      review: 'x',
    });
    expect(s.events()).toEqual([]);
    s.checkpoint({ position: 42, clock: 1234.5, state: { a: [1, 2.25] } });
    expect(s.events().map((e) => e.id)).toEqual(['e1']);
    s.close();
    const s2 = openEventStore(path);
    s2.bindSource('rec-1');
    expect(s2.loadCheckpoint()).toEqual({ position: 42, clock: 1234.5, state: { a: [1, 2.25] } });
    expect(s2.receipts().map((r) => r.sessionId)).toEqual(['s1']);
    expect(() => s2.bindSource('rec-2')).toThrow(StorageError);
    s2.close();
  });

  it('takes no snapshots in an in-memory store, which nothing can resume from, but still logs', () => {
    const mem = openEventStore(':memory:');
    expect(mem.resumable).toBe(false);
    mem.logDecision('d1', 'event', { x: 1 });
    mem.checkpoint({ position: 7, clock: 70, state: { big: 'state' } });
    expect(mem.loadCheckpoint()).toBeNull();
    expect(mem.counts().decisions).toBe(1);
    mem.close();
    const file = openEventStore(join(dir, 'resumable.db'));
    expect(file.resumable).toBe(true);
    file.close();
  });
});
