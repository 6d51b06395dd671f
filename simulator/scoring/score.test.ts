import { describe, expect, it } from 'vitest';
import type { Receipt, TruthReceipt } from '../../core/receipt.ts';
import { scoreReceipts } from './score.ts';

const truth = (token: string, lines: Array<[string, number]>): TruthReceipt => ({
  truth: 'receipt',
  token,
  lines: lines.map(([sku, quantity]) => ({ sku, quantity })),
});

const receipt = (token: string, status: Receipt['status'], lines: Array<[string, number]>): Receipt => ({
  version: 1,
  storeId: 'demo',
  sessionId: `s-${token}`,
  token,
  enteredAt: 0,
  exitedAt: 1000,
  finalisedAt: 2000,
  status,
  confidence: status === 'charge' ? 0.99 : 0.4,
  reviewReasons: [],
  lines: lines.map(([sku, quantity]) => ({ sku, quantity, evidence: [] })),
});

describe('receipt scoring', () => {
  it('counts exact receipts, reviews, wrong charges and overcharges separately', () => {
    const s = scoreReceipts(
      [
        truth('a', [['cola', 2]]),
        truth('b', [['cola', 1]]),
        truth('c', [['tea', 1]]),
        truth('d', [
          ['tea', 1],
          ['cola', 1],
        ]),
        truth('e', [['tea', 1]]),
      ],
      [
        receipt('a', 'charge', [['cola', 2]]), // exact
        receipt('b', 'charge', [['cola', 2]]), // one unit too many: overcharge
        receipt('c', 'review', [['cola', 1]]), // wrong but a person looks first
        receipt('d', 'charge', [['tea', 1]]), // a line missing: undercharge
        // e: no receipt at all
      ],
    );
    expect(s.sessions).toBe(5);
    expect(s.exact).toBeCloseTo(1 / 5);
    expect(s.reviewRate).toBeCloseTo(1 / 5);
    expect(s.wrongChargeRate).toBeCloseTo(2 / 5);
    expect(s.overchargeRate).toBeCloseTo(1 / 5);
    // Lines: predicted cola×2, cola×2, cola×1, tea×1 (4); true lines 6; correct cola×2 (a), tea×1 (d).
    expect(s.precision).toBeCloseTo(2 / 4);
    expect(s.recall).toBeCloseTo(2 / 6);
  });

  it('scores an empty run as perfect and charges nobody', () => {
    const s = scoreReceipts([], []);
    expect(s).toMatchObject({ exact: 1, f1: 1, reviewRate: 0, wrongChargeRate: 0, overchargeRate: 0 });
  });
});
