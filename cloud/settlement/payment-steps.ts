import { createLogger } from '../../core/log.ts';
import {
  AuthenticationRequiredError,
  PaymentDeclinedError,
  type PaymentProvider,
} from '../payments/index.ts';
import type { PricedReceipt } from '../pricing/price-cart.ts';
import type { AccountRow, CloudStorage, EntryRow } from '../storage/index.ts';

const log = createLogger('cloud.settlement');

/**
 * Moves the cart's total: captures the entry hold (plus a top-up charge for any excess), cancels it
 * for an empty cart, or charges directly when no hold was placed. Every call's idempotency key is
 * derived from the session, so a resumed settlement repeats rather than duplicates a payment.
 * Returns the intents charged; payment errors propagate to the caller.
 */
export async function collectPayment(
  payments: PaymentProvider,
  entry: EntryRow,
  account: AccountRow,
  total: number,
  currency: string,
  sessionId: string,
  storeId: string,
): Promise<Array<{ id: string; amount: number }>> {
  const intents: Array<{ id: string; amount: number }> = [];
  if (total === 0) {
    if (entry.holdIntent) await payments.cancel(entry.holdIntent, `cancel-${sessionId}`);
  } else if (entry.holdIntent) {
    const captured = Math.min(total, entry.holdMinor);
    await payments.capture(entry.holdIntent, captured, `capture-${sessionId}`);
    intents.push({ id: entry.holdIntent, amount: captured });
    if (total > entry.holdMinor) {
      const top = await payments.authorize({
        customerId: account.customerId,
        paymentMethodId: account.paymentMethod,
        amountMinor: total - entry.holdMinor,
        currency,
        capture: 'automatic',
        idempotencyKey: `topup-${sessionId}`,
        metadata: { sessionId, storeId, part: 'top-up' },
      });
      intents.push({ id: top.intentId, amount: total - entry.holdMinor });
    }
  } else {
    const pi = await payments.authorize({
      customerId: account.customerId,
      paymentMethodId: account.paymentMethod,
      amountMinor: total,
      currency,
      capture: 'automatic',
      idempotencyKey: `charge-${sessionId}`,
      metadata: { sessionId, storeId },
    });
    intents.push({ id: pi.intentId, amount: total });
  }
  return intents;
}

/**
 * A failed payment: a decline or a required authentication leaves the receipt unpaid and blocks
 * the account; anything else (an outage) keeps the cart pending for a retry.
 */
export function recordPaymentFailure(
  storage: CloudStorage,
  sessionId: string,
  accountId: string,
  attempts: number,
  err: unknown,
): void {
  if (err instanceof PaymentDeclinedError || err instanceof AuthenticationRequiredError) {
    storage.updateSettlement(sessionId, {
      state: 'unpaid',
      reason: err.message,
      attempts: attempts + 1,
    });
    storage.setBlocked(accountId, true);
    log.warn({ sessionId, reason: err.message }, 'payment failed; account blocked until settled');
  } else {
    storage.updateSettlement(sessionId, {
      attempts: attempts + 1,
      reason: `retrying: ${(err as Error).message}`,
    });
    log.warn({ sessionId, err: (err as Error).message }, 'payment provider unavailable; will retry');
  }
}

/** A paid cart: mark it settled, book the loyalty points and coupons, unblock a cleared account. */
export function recordSettled(
  storage: CloudStorage,
  sessionId: string,
  accountId: string,
  priced: PricedReceipt,
  intents: Array<{ id: string; amount: number }>,
  settledAt: number,
): void {
  storage.updateSettlement(sessionId, {
    state: 'settled',
    intentsJson: JSON.stringify(intents),
    settledAt,
    reason: null,
  });
  storage.addLoyalty(accountId, priced.loyaltyEarnedPoints - priced.loyaltyRedeemedPoints);
  const used = [
    ...new Set(
      priced.lines.flatMap((l) => l.discounts.map((d) => d.id)).filter((id) => id.startsWith('coupon:')),
    ),
  ];
  storage.markCouponsUsed(
    accountId,
    used.map((id) => id.slice('coupon:'.length)),
    sessionId,
  );
  if (storage.unpaidCount(accountId) === 0) storage.setBlocked(accountId, false);
}
