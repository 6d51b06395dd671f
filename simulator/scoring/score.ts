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
    if (r && want.size === got.size && [...want].every((k) => got.has(k))) exact++;
    if (r?.status === 'review') review++;
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
  };
}
