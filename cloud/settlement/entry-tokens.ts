import { randomUUID } from 'node:crypto';
import { createLogger } from '../../core/log.ts';
import { signToken, verifyToken } from '../../core/signing.ts';
import { AuthenticationRequiredError, PaymentDeclinedError } from '../payments/index.ts';
import type { AccountRow } from '../storage/index.ts';
import { type SettlementContext, SettlementError } from './settlement-types.ts';

const log = createLogger('cloud.settlement');

export async function createAccount(
  ctx: SettlementContext,
  email: string,
  name: string,
  paymentMethod: string,
): Promise<AccountRow> {
  if (ctx.storage.accountByEmail(email))
    throw new SettlementError(409, `email: an account for ${email} exists`);
  const id = `acc_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const customerId = await ctx.payments.createCustomer(email, name, `cus-${id}`);
  await ctx.payments.attachPaymentMethod(customerId, paymentMethod, `pm-${id}`);
  const row: AccountRow = {
    id,
    email,
    name,
    customerId,
    paymentMethod,
    loyaltyPoints: 0,
    blocked: false,
    redeemLoyalty: false,
  };
  ctx.storage.createAccount(row);
  return row;
}

/** A short-lived signed QR payload; refused while the account has an unpaid receipt. */
export function issueEntryToken(
  ctx: SettlementContext,
  accountId: string,
  storeId: string,
): { token: string; expiresAt: number } {
  const acc = ctx.storage.account(accountId);
  if (!acc) throw new SettlementError(404, `account ${accountId} not found`);
  if (acc.blocked) throw new SettlementError(403, 'account blocked: settle the unpaid receipt first');
  if (!ctx.stores.has(storeId)) throw new SettlementError(404, `store ${storeId} not found`);
  const expiresAt = ctx.now() + ctx.opts.tokenTtlMs;
  return {
    token: signToken(ctx.opts.tokenSecret, { a: accountId, s: storeId, e: expiresAt, n: randomUUID() }),
    expiresAt,
  };
}

/** The edge reports a scanned token: validate it, bind it to the session, place the hold. */
export async function recordEntry(
  ctx: SettlementContext,
  storeId: string,
  e: { sessionId: string; token: string; enteredAt: number },
): Promise<{ accountId: string; hold: boolean }> {
  const payload = verifyToken(ctx.opts.tokenSecret, e.token);
  if (!payload) throw new SettlementError(422, 'token: invalid signature');
  const { a, s, e: exp, n } = payload as { a?: string; s?: string; e?: number; n?: string };
  if (typeof a !== 'string' || typeof n !== 'string' || typeof exp !== 'number')
    throw new SettlementError(422, 'token: malformed');
  if (s !== storeId) throw new SettlementError(403, 'token: issued for another store');
  if (e.enteredAt > exp) throw new SettlementError(422, 'token: expired');
  const used = ctx.storage.useNonce(n, e.sessionId);
  if (used === 'replayed') throw new SettlementError(409, 'token: already used for another session');
  const acc = ctx.storage.account(a);
  if (!acc) throw new SettlementError(404, 'token: account not found');
  const prior = ctx.storage.entry(e.sessionId);
  if (prior?.holdIntent) return { accountId: a, hold: true };
  let holdIntent: string | null = null;
  try {
    const store = ctx.stores.get(storeId);
    const pi = await ctx.payments.authorize({
      customerId: acc.customerId,
      paymentMethodId: acc.paymentMethod,
      amountMinor: ctx.opts.holdMinor,
      currency: store?.model.config.currency ?? 'EUR',
      capture: 'manual',
      idempotencyKey: `hold-${e.sessionId}`,
      metadata: { sessionId: e.sessionId, storeId },
    });
    holdIntent = pi.intentId;
  } catch (err) {
    // No hold is not fatal: the exit charge is attempted directly and its failure blocks the account.
    log.warn({ sessionId: e.sessionId, err: (err as Error).message }, 'hold failed');
    if (!(err instanceof PaymentDeclinedError || err instanceof AuthenticationRequiredError)) throw err;
  }
  ctx.storage.upsertEntry({
    sessionId: e.sessionId,
    storeId,
    accountId: a,
    nonce: n,
    holdIntent,
    holdMinor: holdIntent ? ctx.opts.holdMinor : 0,
    enteredAt: e.enteredAt,
  });
  return { accountId: a, hold: holdIntent !== null };
}
