import { createHash } from 'node:crypto';
import { createLogger } from '../../core/log.ts';
import type { Receipt } from '../../core/receipt.ts';
import { signToken } from '../../core/signing.ts';
import type { PaymentProvider } from '../payments/index.ts';
import { type PricedReceipt, priceCart } from '../pricing/price-cart.ts';
import type { AccountRow, CloudStorage, SettlementRow } from '../storage/index.ts';
import { dispute } from './disputes.ts';
import { createAccount, issueEntryToken, recordEntry } from './entry-tokens.ts';
import { collectPayment, recordPaymentFailure, recordSettled } from './payment-steps.ts';
import {
  type SettlementContext,
  SettlementError,
  type SettlementOptions,
  type SettlementResult,
  type StoreEntry,
} from './settlement-types.ts';

export type { SettlementOptions, SettlementResult, StoreEntry } from './settlement-types.ts';
export { SettlementError } from './settlement-types.ts';

const log = createLogger('cloud.settlement');

const hashBody = (r: Receipt) => createHash('sha256').update(JSON.stringify(r)).digest('hex');

/**
 * Exactly-once settlement. A cart is keyed by its session id: the first delivery inserts it, later
 * deliveries get the recorded outcome. Every payment call uses an idempotency key derived from the
 * session, so resuming a settlement interrupted by a crash or a Stripe outage cannot charge twice.
 */
export class SettlementService {
  private readonly inFlight = new Map<string, Promise<SettlementResult>>();
  private readonly now: () => number;
  private readonly ctx: SettlementContext;

  constructor(
    readonly storage: CloudStorage,
    readonly payments: PaymentProvider,
    readonly stores: Map<string, StoreEntry>,
    private readonly opts: SettlementOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.ctx = { storage, payments, stores, opts, now: this.now };
  }

  // ---------- accounts and entry ----------

  createAccount(email: string, name: string, paymentMethod: string): Promise<AccountRow> {
    return createAccount(this.ctx, email, name, paymentMethod);
  }

  /** A short-lived signed QR payload; refused while the account has an unpaid receipt. */
  issueEntryToken(accountId: string, storeId: string): { token: string; expiresAt: number } {
    return issueEntryToken(this.ctx, accountId, storeId);
  }

  /** The edge reports a scanned token: validate it, bind it to the session, place the hold. */
  recordEntry(
    storeId: string,
    e: { sessionId: string; token: string; enteredAt: number },
  ): Promise<{ accountId: string; hold: boolean }> {
    return recordEntry(this.ctx, storeId, e);
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
    let intents: Array<{ id: string; amount: number }>;
    try {
      intents = await collectPayment(
        this.payments,
        entry,
        account,
        total,
        priced.currency,
        sessionId,
        row.storeId,
      );
    } catch (err) {
      recordPaymentFailure(this.storage, sessionId, account.id, row.attempts, err);
      return this.resultOf(this.storage.settlement(sessionId) as SettlementRow, false);
    }
    recordSettled(this.storage, sessionId, account.id, priced, intents, this.now());
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
  dispute(
    sessionId: string,
    sku: string,
    quantity: number,
    reason: string,
  ): Promise<{ refundMinor: number }> {
    return dispute(this.ctx, sessionId, sku, quantity, reason);
  }
}
