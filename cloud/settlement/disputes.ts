import type { PricedReceipt } from '../pricing/price-cart.ts';
import { type SettlementContext, SettlementError } from './settlement-types.ts';

/** Refunds disputed units of one line and flags the session for review. */
export async function dispute(
  ctx: SettlementContext,
  sessionId: string,
  sku: string,
  quantity: number,
  reason: string,
): Promise<{ refundMinor: number }> {
  const row = ctx.storage.settlement(sessionId);
  if (!row || row.state !== 'settled' || !row.pricedJson)
    throw new SettlementError(404, `no settled receipt for ${sessionId}`);
  const priced = JSON.parse(row.pricedJson) as PricedReceipt;
  const line = priced.lines.find((l) => l.sku === sku);
  if (!line) throw new SettlementError(400, `sku: ${sku} is not on the receipt`);
  const already = ctx.storage
    .disputes(sessionId)
    .filter((d) => d.sku === sku)
    .reduce((s, d) => s + d.quantity, 0);
  if (quantity < 1 || already + quantity > line.quantity)
    throw new SettlementError(400, `quantity: at most ${line.quantity - already} left to dispute`);
  const refundMinor = Math.round((line.netMinor * quantity) / line.quantity);
  const intents = JSON.parse(row.intentsJson) as Array<{ id: string; amount: number }>;
  const intent = intents[0];
  if (!intent) throw new SettlementError(409, 'nothing was charged');
  const refundId = await ctx.payments.refund(intent.id, refundMinor, `refund-${sessionId}-${sku}-${already}`);
  ctx.storage.addDispute({
    sessionId,
    sku,
    quantity,
    reason,
    refundMinor,
    refundId,
    createdAt: ctx.now(),
  });
  return { refundMinor };
}
