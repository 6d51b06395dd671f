import { createHash, randomUUID } from 'node:crypto';
import { WalkoutError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import type { Receipt } from '../../core/receipt.ts';
import { signToken, verifyToken } from '../../core/signing.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import {
  AuthenticationRequiredError,
  PaymentDeclinedError,
  type PaymentProvider,
} from '../payments/index.ts';
import { type CatalogItem, type PricedReceipt, priceCart } from '../pricing/price-cart.ts';
import type { PricingConfig } from '../pricing/pricing-config.ts';
import type { AccountRow, CloudStorage, SettlementRow } from '../storage/index.ts';

const log = createLogger('cloud.settlement');

/** An HTTP-mappable refusal: `status` is the response code, `message` names what is wrong. */
export class SettlementError extends WalkoutError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface StoreEntry {
  model: StoreModel;
  secret: string;
  pricing: PricingConfig;
  catalog: Map<string, CatalogItem>;
}

export interface SettlementOptions {
  /** Signs entry tokens and receipt links; from env in production. */
  tokenSecret: string;
  holdMinor: number;
  tokenTtlMs: number;
  now?: () => number;
}

export interface SettlementResult {
  sessionId: string;
  state: SettlementRow['state'];
  totalMinor: number;
  receiptUrl: string | null;
  reason: string | null;
  /** True when this call found the cart already known (duplicate delivery). */
  duplicate: boolean;
}

const hashBody = (r: Receipt) => createHash('sha256').update(JSON.stringify(r)).digest('hex');

/**
 * Exactly-once settlement. A cart is keyed by its session id: the first delivery inserts it, later
 * deliveries get the recorded outcome. Every payment call uses an idempotency key derived from the
 * session, so resuming a settlement interrupted by a crash or a Stripe outage cannot charge twice.
 */
export class SettlementService {
  private readonly inFlight = new Map<string, Promise<SettlementResult>>();
  private readonly now: () => number;

  constructor(
    readonly storage: CloudStorage,
    readonly payments: PaymentProvider,
    readonly stores: Map<string, StoreEntry>,
    private readonly opts: SettlementOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  // ---------- accounts and entry ----------

  async createAccount(email: string, name: string, paymentMethod: string): Promise<AccountRow> {
    if (this.storage.accountByEmail(email))
      throw new SettlementError(409, `email: an account for ${email} exists`);
    const id = `acc_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const customerId = await this.payments.createCustomer(email, name, `cus-${id}`);
    await this.payments.attachPaymentMethod(customerId, paymentMethod, `pm-${id}`);
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
    this.storage.createAccount(row);
    return row;
  }

  /** A short-lived signed QR payload; refused while the account has an unpaid receipt. */
  issueEntryToken(accountId: string, storeId: string): { token: string; expiresAt: number } {
    const acc = this.storage.account(accountId);
    if (!acc) throw new SettlementError(404, `account ${accountId} not found`);
    if (acc.blocked) throw new SettlementError(403, 'account blocked: settle the unpaid receipt first');
    if (!this.stores.has(storeId)) throw new SettlementError(404, `store ${storeId} not found`);
    const expiresAt = this.now() + this.opts.tokenTtlMs;
    return {
      token: signToken(this.opts.tokenSecret, { a: accountId, s: storeId, e: expiresAt, n: randomUUID() }),
      expiresAt,
    };
  }

  /** The edge reports a scanned token: validate it, bind it to the session, place the hold. */
  async recordEntry(
    storeId: string,
    e: { sessionId: string; token: string; enteredAt: number },
  ): Promise<{ accountId: string; hold: boolean }> {
    const payload = verifyToken(this.opts.tokenSecret, e.token);
    if (!payload) throw new SettlementError(422, 'token: invalid signature');
    const { a, s, e: exp, n } = payload as { a?: string; s?: string; e?: number; n?: string };
    if (typeof a !== 'string' || typeof n !== 'string' || typeof exp !== 'number')
      throw new SettlementError(422, 'token: malformed');
    if (s !== storeId) throw new SettlementError(403, 'token: issued for another store');
    if (e.enteredAt > exp) throw new SettlementError(422, 'token: expired');
    const used = this.storage.useNonce(n, e.sessionId);
    if (used === 'replayed') throw new SettlementError(409, 'token: already used for another session');
    const acc = this.storage.account(a);
    if (!acc) throw new SettlementError(404, 'token: account not found');
    const prior = this.storage.entry(e.sessionId);
    if (prior?.holdIntent) return { accountId: a, hold: true };
    let holdIntent: string | null = null;
    try {
      const store = this.stores.get(storeId);
      const pi = await this.payments.authorize({
        customerId: acc.customerId,
        paymentMethodId: acc.paymentMethod,
        amountMinor: this.opts.holdMinor,
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
    this.storage.upsertEntry({
      sessionId: e.sessionId,
      storeId,
      accountId: a,
      nonce: n,
      holdIntent,
      holdMinor: holdIntent ? this.opts.holdMinor : 0,
      enteredAt: e.enteredAt,
    });
    return { accountId: a, hold: holdIntent !== null };
  }

  // ---------- carts ----------

  private unknownSkus(store: StoreEntry, r: Receipt): string[] {
    return r.lines.map((l) => l.sku).filter((sku) => !store.catalog.has(sku));
  }

  /** A finalised cart from an edge. Duplicates return the recorded outcome. */
  async submitCart(storeId: string, r: Receipt): Promise<SettlementResult> {
    const store = this.stores.get(storeId);
    if (!store) throw new SettlementError(404, `store ${storeId} not found`);
    if (r.storeId !== storeId) throw new SettlementError(400, 'storeId: does not match the signing store');
    const existing = this.storage.settlement(r.sessionId);
    if (existing) {
      if (existing.bodyHash !== hashBody(r) && existing.state !== 'pending')
        log.warn({ sessionId: r.sessionId }, 'different cart for a known session ignored');
      return this.inFlight.get(r.sessionId) ?? this.resultOf(existing, true);
    }
    const unknown = this.unknownSkus(store, r);
    const entry = this.storage.entry(r.sessionId);
    const state = unknown.length > 0 || r.status === 'review' ? 'review' : 'pending';
    const reason =
      unknown.length > 0
        ? `unknown sku: ${unknown.join(', ')}`
        : r.status === 'review'
          ? r.reviewReasons.join('; ') || 'edge review'
          : null;
    const inserted = this.storage.insertSettlement({
      sessionId: r.sessionId,
      storeId,
      accountId: entry?.accountId ?? null,
      state,
      receiptJson: JSON.stringify(r),
      bodyHash: hashBody(r),
      pricedJson: null,
      totalMinor: 0,
      intentsJson: '[]',
      reason,
      attempts: 0,
      finalisedAt: r.finalisedAt,
      settledAt: null,
    });
    const row = this.storage.settlement(r.sessionId) as SettlementRow;
    if (!inserted) return this.resultOf(row, true);
    if (unknown.length > 0)
      throw new SettlementError(422, `lines: unknown sku ${unknown.join(', ')}; cart parked for review`);
    if (state === 'review') return this.resultOf(row, false);
    return this.settle(r.sessionId);
  }

  /** An operator released a reviewed cart (possibly edited): settle it exactly once. */
  async release(storeId: string, r: Receipt): Promise<SettlementResult> {
    const row = this.storage.settlement(r.sessionId);
    if (!row || row.storeId !== storeId) throw new SettlementError(404, `session ${r.sessionId} not found`);
    if (row.state !== 'review') return this.inFlight.get(r.sessionId) ?? this.resultOf(row, true);
    const store = this.stores.get(storeId) as StoreEntry;
    const unknown = this.unknownSkus(store, r);
    if (unknown.length > 0) throw new SettlementError(422, `lines: unknown sku ${unknown.join(', ')}`);
    this.storage.updateSettlement(r.sessionId, {
      state: 'pending',
      receiptJson: JSON.stringify({ ...r, status: 'charge' }),
      reason: null,
    });
    return this.settle(r.sessionId);
  }

  /** Settles (or resumes settling) one pending cart; concurrent calls share one attempt. */
  settle(sessionId: string): Promise<SettlementResult> {
    const running = this.inFlight.get(sessionId);
    if (running) return running;
    const p = this.doSettle(sessionId).finally(() => this.inFlight.delete(sessionId));
    this.inFlight.set(sessionId, p);
    return p;
  }

  private async doSettle(sessionId: string): Promise<SettlementResult> {
    const row = this.storage.settlement(sessionId);
    if (!row) throw new SettlementError(404, `session ${sessionId} not found`);
    if (row.state !== 'pending') return this.resultOf(row, true);
    const store = this.stores.get(row.storeId) as StoreEntry;
    const receipt = JSON.parse(row.receiptJson) as Receipt;
    const entry = this.storage.entry(sessionId);
    const account = entry ? this.storage.account(entry.accountId) : undefined;
    if (!entry || !account) {
      this.storage.updateSettlement(sessionId, {
        state: 'review',
        reason: 'no valid entry token for this session',
      });
      return this.resultOf(this.storage.settlement(sessionId) as SettlementRow, false);
    }
    // Coupons attached to the account and (if the shopper opted in) loyalty points apply at checkout.
    const priced =
      row.pricedJson !== null
        ? (JSON.parse(row.pricedJson) as PricedReceipt)
        : priceCart(
            receipt.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
            store.catalog,
            store.pricing,
            store.model.config.currency,
            {
              coupons: this.storage.unusedCoupons(account.id),
              redeemPoints: account.redeemLoyalty ? account.loyaltyPoints : 0,
            },
          );
    // Price once and keep it: a retry after a crash must charge the same amount.
    if (row.pricedJson === null)
      this.storage.updateSettlement(sessionId, {
        pricedJson: JSON.stringify(priced),
        totalMinor: priced.totalMinor,
        accountId: account.id,
      });
    const total = priced.totalMinor;
    const intents: Array<{ id: string; amount: number }> = [];
    try {
      if (total === 0) {
        if (entry.holdIntent) await this.payments.cancel(entry.holdIntent, `cancel-${sessionId}`);
      } else if (entry.holdIntent) {
        const captured = Math.min(total, entry.holdMinor);
        await this.payments.capture(entry.holdIntent, captured, `capture-${sessionId}`);
        intents.push({ id: entry.holdIntent, amount: captured });
        if (total > entry.holdMinor) {
          const top = await this.payments.authorize({
            customerId: account.customerId,
            paymentMethodId: account.paymentMethod,
            amountMinor: total - entry.holdMinor,
            currency: priced.currency,
            capture: 'automatic',
            idempotencyKey: `topup-${sessionId}`,
            metadata: { sessionId, storeId: row.storeId, part: 'top-up' },
          });
          intents.push({ id: top.intentId, amount: total - entry.holdMinor });
        }
      } else {
        const pi = await this.payments.authorize({
          customerId: account.customerId,
          paymentMethodId: account.paymentMethod,
          amountMinor: total,
          currency: priced.currency,
          capture: 'automatic',
          idempotencyKey: `charge-${sessionId}`,
          metadata: { sessionId, storeId: row.storeId },
        });
        intents.push({ id: pi.intentId, amount: total });
      }
    } catch (err) {
      if (err instanceof PaymentDeclinedError || err instanceof AuthenticationRequiredError) {
        this.storage.updateSettlement(sessionId, {
          state: 'unpaid',
          reason: err.message,
          attempts: row.attempts + 1,
        });
        this.storage.setBlocked(account.id, true);
        log.warn({ sessionId, reason: err.message }, 'payment failed; account blocked until settled');
      } else {
        this.storage.updateSettlement(sessionId, {
          attempts: row.attempts + 1,
          reason: `retrying: ${(err as Error).message}`,
        });
        log.warn({ sessionId, err: (err as Error).message }, 'payment provider unavailable; will retry');
      }
      return this.resultOf(this.storage.settlement(sessionId) as SettlementRow, false);
    }
    this.storage.updateSettlement(sessionId, {
      state: 'settled',
      intentsJson: JSON.stringify(intents),
      settledAt: this.now(),
      reason: null,
    });
    this.storage.addLoyalty(account.id, priced.loyaltyEarnedPoints - priced.loyaltyRedeemedPoints);
    const used = [
      ...new Set(
        priced.lines.flatMap((l) => l.discounts.map((d) => d.id)).filter((id) => id.startsWith('coupon:')),
      ),
    ];
    this.storage.markCouponsUsed(
      account.id,
      used.map((id) => id.slice('coupon:'.length)),
      sessionId,
    );
    if (this.storage.unpaidCount(account.id) === 0) this.storage.setBlocked(account.id, false);
    return this.resultOf(this.storage.settlement(sessionId) as SettlementRow, false);
  }

  /** Retries settlements left pending by outages or crashes (same idempotency keys). */
  async resumePending(): Promise<number> {
    const rows = this.storage.pendingSettlements();
    for (const r of rows) await this.settle(r.sessionId);
    return rows.length;
  }

  receiptUrl(sessionId: string): string {
    return `/receipts/${encodeURIComponent(sessionId)}?sig=${signToken(this.opts.tokenSecret, { r: sessionId }).split('.')[1]}`;
  }

  verifyReceiptSig(sessionId: string, sig: string): boolean {
    return signToken(this.opts.tokenSecret, { r: sessionId }).split('.')[1] === sig;
  }

  resultOf(row: SettlementRow, duplicate: boolean): SettlementResult {
    return {
      sessionId: row.sessionId,
      state: row.state,
      totalMinor: row.totalMinor,
      receiptUrl: row.state === 'settled' ? this.receiptUrl(row.sessionId) : null,
      reason: row.reason,
      duplicate,
    };
  }

  /** Refunds disputed units of one line and flags the session for review. */
  async dispute(
    sessionId: string,
    sku: string,
    quantity: number,
    reason: string,
  ): Promise<{ refundMinor: number }> {
    const row = this.storage.settlement(sessionId);
    if (!row || row.state !== 'settled' || !row.pricedJson)
      throw new SettlementError(404, `no settled receipt for ${sessionId}`);
    const priced = JSON.parse(row.pricedJson) as PricedReceipt;
    const line = priced.lines.find((l) => l.sku === sku);
    if (!line) throw new SettlementError(400, `sku: ${sku} is not on the receipt`);
    const already = this.storage
      .disputes(sessionId)
      .filter((d) => d.sku === sku)
      .reduce((s, d) => s + d.quantity, 0);
    if (quantity < 1 || already + quantity > line.quantity)
      throw new SettlementError(400, `quantity: at most ${line.quantity - already} left to dispute`);
    const refundMinor = Math.round((line.netMinor * quantity) / line.quantity);
    const intents = JSON.parse(row.intentsJson) as Array<{ id: string; amount: number }>;
    const intent = intents[0];
    if (!intent) throw new SettlementError(409, 'nothing was charged');
    const refundId = await this.payments.refund(
      intent.id,
      refundMinor,
      `refund-${sessionId}-${sku}-${already}`,
    );
    this.storage.addDispute({
      sessionId,
      sku,
      quantity,
      reason,
      refundMinor,
      refundId,
      createdAt: this.now(),
    });
    return { refundMinor };
  }
}
