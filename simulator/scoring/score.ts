import type { Receipt, TruthReceipt } from '../../core/receipt.ts';

export interface Score {
  sessions: number;
  /** Share of true sessions whose receipt has exactly the true lines. */
  exact: number;
  /** Line = SKU × quantity: a predicted line is correct when the truth has that SKU with that quantity. */
  precision: number;
  recall: number;
  f1: number;
  /** Share of true sessions whose receipt went to review. */
  reviewRate: number;
  /**
   * Share of true sessions charged without review although the receipt is wrong: the failures a
   * shopper or the store would notice. `overchargeRate` counts those that bill something the
   * shopper did not carry out (a SKU not taken, or more units than taken).
   */
  wrongChargeRate: number;
  overchargeRate: number;
}

const key = (sku: string, q: number) => `${sku}×${q}`;

/**
 * Compares edge receipts with ground-truth receipts, joined by entry token. A session without a
 * receipt is not exact and contributes its true lines to recall only.
 */
export function scoreReceipts(truth: TruthReceipt[], receipts: Receipt[]): Score {
  const byToken = new Map(receipts.map((r) => [r.token, r]));
  let exact = 0;
  let review = 0;
  let wrongCharge = 0;
  let overcharge = 0;
  let correct = 0;
  let predicted = 0;
  let actual = 0;
  for (const t of truth) {
    const r = byToken.get(t.token);
    const want = new Set(t.lines.map((l) => key(l.sku, l.quantity)));
    const got = new Set((r?.lines ?? []).map((l) => key(l.sku, l.quantity)));
    actual += want.size;
    predicted += got.size;
    for (const k of got) if (want.has(k)) correct++;
    const right = r !== undefined && want.size === got.size && [...want].every((k) => got.has(k));
    if (right) exact++;
    if (r?.status === 'review') review++;
    if (r?.status === 'charge' && !right) {
      wrongCharge++;
      const took = new Map(t.lines.map((l) => [l.sku, l.quantity]));
      if (r.lines.some((l) => l.quantity > (took.get(l.sku) ?? 0))) overcharge++;
    }
  }
  const precision = predicted === 0 ? 1 : correct / predicted;
  const recall = actual === 0 ? 1 : correct / actual;
  return {
    sessions: truth.length,
    exact: truth.length === 0 ? 1 : exact / truth.length,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    reviewRate: truth.length === 0 ? 0 : review / truth.length,
    wrongChargeRate: truth.length === 0 ? 0 : wrongCharge / truth.length,
    overchargeRate: truth.length === 0 ? 0 : overcharge / truth.length,
  };
}
