import type { Coupon } from '../pricing/pricing-config.ts';

/** Rows of the cloud's storage; the SQLite implementation is the embedded default (PostgreSQL later). */
export interface AccountRow {
  id: string;
  email: string;
  name: string;
  customerId: string;
  paymentMethod: string;
  loyaltyPoints: number;
  blocked: boolean;
  /** Spend loyalty points automatically at checkout. */
  redeemLoyalty: boolean;
}

export interface EntryRow {
  sessionId: string;
  storeId: string;
  accountId: string;
  nonce: string;
  holdIntent: string | null;
  holdMinor: number;
  enteredAt: number;
}

export type SettlementState = 'pending' | 'settled' | 'unpaid' | 'review';

export interface SettlementRow {
  sessionId: string;
  storeId: string;
  accountId: string | null;
  state: SettlementState;
  receiptJson: string;
  bodyHash: string;
  pricedJson: string | null;
  totalMinor: number;
  /** Intents that took money: [{ id, amount }]. */
  intentsJson: string;
  reason: string | null;
  attempts: number;
  finalisedAt: number;
  settledAt: number | null;
}

export interface DisputeRow {
  sessionId: string;
  sku: string;
  quantity: number;
  reason: string;
  refundMinor: number;
  refundId: string;
  createdAt: number;
}

export interface CloudStorage {
  createAccount(a: AccountRow): void;
  account(id: string): AccountRow | undefined;
  accountByEmail(email: string): AccountRow | undefined;
  setBlocked(id: string, blocked: boolean): void;
  addLoyalty(id: string, delta: number): void;
  setRedeemLoyalty(id: string, on: boolean): void;
  addCoupon(accountId: string, coupon: Coupon): void;
  /** Coupons not yet used by a settled receipt. */
  unusedCoupons(accountId: string): Coupon[];
  markCouponsUsed(accountId: string, codes: string[], sessionId: string): void;
  useNonce(nonce: string, sessionId: string): 'fresh' | 'same-session' | 'replayed';
  upsertEntry(e: EntryRow): void;
  entry(sessionId: string): EntryRow | undefined;
  settlement(sessionId: string): SettlementRow | undefined;
  /** Inserts unless the session exists; returns whether it was inserted. */
  insertSettlement(s: SettlementRow): boolean;
  updateSettlement(sessionId: string, patch: Partial<SettlementRow>): void;
  pendingSettlements(): SettlementRow[];
  unpaidCount(accountId: string): number;
  addDispute(d: DisputeRow): void;
  disputes(sessionId: string): DisputeRow[];
  setInventory(storeId: string, sku: string, units: number, at: number): void;
  inventory(storeId: string): Array<{ sku: string; units: number; updatedAt: number }>;
  close(): void;
}
