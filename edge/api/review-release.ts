import type { Receipt, ReceiptLine } from '../../core/receipt.ts';
import type { OperatorDb } from './operator-db.ts';
import type { ReleaseBody } from './routes-schema.ts';

/** Applies a reviewer's line decisions to a receipt; evidence follows the line it was recorded for. */
export function applyReview(r: Receipt, decided: ReleaseBody['lines']): Receipt {
  const lines: ReceiptLine[] = [];
  for (const d of decided) {
    if (d.quantity === 0) continue;
    const orig = r.lines.find((l) => l.sku === (d.fromSku ?? d.sku));
    const existing = lines.find((l) => l.sku === d.sku);
    if (existing) existing.quantity += d.quantity;
    else lines.push({ sku: d.sku, quantity: d.quantity, evidence: orig?.evidence ?? [] });
  }
  return { ...r, status: 'charge', lines };
}

/**
 * Audits a release: one entry per decided line (what the reviewer did to it), a remove-line for
 * each original line the decision left out, then the release itself.
 */
export function auditRelease(
  db: OperatorDb,
  operator: string,
  sessionId: string,
  receipt: Receipt,
  b: ReleaseBody,
  final: Receipt,
): void {
  for (const d of b.lines) {
    const orig = receipt.lines.find((l) => l.sku === (d.fromSku ?? d.sku));
    const action =
      d.quantity === 0
        ? 'remove-line'
        : d.fromSku && d.fromSku !== d.sku
          ? 'change-product'
          : !orig
            ? 'add-line'
            : orig.quantity !== d.quantity
              ? 'change-quantity'
              : 'accept-line';
    db.audit({
      operator,
      action,
      sessionId,
      reason: b.reason,
      detail: JSON.stringify({
        sku: d.sku,
        quantity: d.quantity,
        from: orig ? { sku: orig.sku, quantity: orig.quantity } : null,
      }),
    });
  }
  for (const l of receipt.lines)
    if (!b.lines.some((d) => (d.fromSku ?? d.sku) === l.sku))
      db.audit({
        operator,
        action: 'remove-line',
        sessionId,
        reason: b.reason,
        detail: JSON.stringify({ sku: l.sku, quantity: 0, from: { sku: l.sku, quantity: l.quantity } }),
      });
  db.audit({
    operator,
    action: 'release',
    sessionId,
    reason: b.reason,
    detail: JSON.stringify({ lines: final.lines.length }),
  });
}
