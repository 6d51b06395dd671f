import Database from 'better-sqlite3';
import type { Coupon } from '../pricing/pricing-config.ts';
import type { AccountRow, CloudStorage, DisputeRow, EntryRow, SettlementRow } from './index.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (id TEXT PRIMARY KEY, email TEXT UNIQUE NOT NULL, name TEXT NOT NULL,
  customer_id TEXT NOT NULL, payment_method TEXT NOT NULL, loyalty_points INTEGER NOT NULL DEFAULT 0, blocked INTEGER NOT NULL DEFAULT 0,
  redeem_loyalty INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS coupons (account_id TEXT NOT NULL, code TEXT NOT NULL, coupon_json TEXT NOT NULL, used_session TEXT,
  PRIMARY KEY (account_id, code));
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, session_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS entries (session_id TEXT PRIMARY KEY, store_id TEXT NOT NULL, account_id TEXT NOT NULL, nonce TEXT NOT NULL,
  hold_intent TEXT, hold_minor INTEGER NOT NULL, entered_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS settlements (session_id TEXT PRIMARY KEY, store_id TEXT NOT NULL, account_id TEXT, state TEXT NOT NULL,
  receipt_json TEXT NOT NULL, body_hash TEXT NOT NULL, priced_json TEXT, total_minor INTEGER NOT NULL DEFAULT 0,
  intents_json TEXT NOT NULL DEFAULT '[]', reason TEXT, attempts INTEGER NOT NULL DEFAULT 0, finalised_at INTEGER NOT NULL, settled_at INTEGER);
CREATE INDEX IF NOT EXISTS settlements_state ON settlements(state);
CREATE TABLE IF NOT EXISTS disputes (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL,
  reason TEXT NOT NULL, refund_minor INTEGER NOT NULL, refund_id TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS inventory (store_id TEXT NOT NULL, sku TEXT NOT NULL, units INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (store_id, sku));`;

const SETTLEMENT_COLS: Record<keyof SettlementRow, string> = {
  sessionId: 'session_id',
  storeId: 'store_id',
  accountId: 'account_id',
  state: 'state',
  receiptJson: 'receipt_json',
  bodyHash: 'body_hash',
  pricedJson: 'priced_json',
  totalMinor: 'total_minor',
  intentsJson: 'intents_json',
  reason: 'reason',
  attempts: 'attempts',
  finalisedAt: 'finalised_at',
  settledAt: 'settled_at',
};
const SELECT_SETTLEMENT = `SELECT ${Object.entries(SETTLEMENT_COLS)
  .map(([k, c]) => `${c} AS ${k}`)
  .join(', ')} FROM settlements`;

/** Cloud storage on one SQLite file (WAL, synchronous=FULL: a settled payment is never forgotten). */
export class SqliteCloudStorage implements CloudStorage {
  readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // Databases created before loyalty preferences existed get the column added in place.
    const cols = this.db.prepare('PRAGMA table_info(accounts)').all() as Array<{ name: string }>;
    if (!cols.some((c) => c.name === 'redeem_loyalty'))
      this.db.exec('ALTER TABLE accounts ADD COLUMN redeem_loyalty INTEGER NOT NULL DEFAULT 0');
  }

  createAccount(a: AccountRow): void {
    this.db
      .prepare(
        'INSERT INTO accounts (id, email, name, customer_id, payment_method, loyalty_points, blocked) VALUES (?,?,?,?,?,?,?)',
      )
      .run(a.id, a.email, a.name, a.customerId, a.paymentMethod, a.loyaltyPoints, a.blocked ? 1 : 0);
  }

  private mapAccount(r: Record<string, unknown> | undefined): AccountRow | undefined {
    if (!r) return undefined;
    return {
      id: String(r.id),
      email: String(r.email),
      name: String(r.name),
      customerId: String(r.customer_id),
      paymentMethod: String(r.payment_method),
      loyaltyPoints: Number(r.loyalty_points),
      blocked: r.blocked === 1,
      redeemLoyalty: r.redeem_loyalty === 1,
    };
  }

  account(id: string): AccountRow | undefined {
    return this.mapAccount(
      this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as Record<string, unknown> | undefined,
    );
  }

  accountByEmail(email: string): AccountRow | undefined {
    return this.mapAccount(
      this.db.prepare('SELECT * FROM accounts WHERE email = ?').get(email) as
        | Record<string, unknown>
        | undefined,
    );
  }

  setBlocked(id: string, blocked: boolean): void {
    this.db.prepare('UPDATE accounts SET blocked = ? WHERE id = ?').run(blocked ? 1 : 0, id);
  }

  addLoyalty(id: string, delta: number): void {
    this.db
      .prepare('UPDATE accounts SET loyalty_points = MAX(0, loyalty_points + ?) WHERE id = ?')
      .run(delta, id);
  }

  setRedeemLoyalty(id: string, on: boolean): void {
    this.db.prepare('UPDATE accounts SET redeem_loyalty = ? WHERE id = ?').run(on ? 1 : 0, id);
  }

  addCoupon(accountId: string, coupon: Coupon): void {
    this.db
      .prepare(
        'INSERT INTO coupons (account_id, code, coupon_json) VALUES (?, ?, ?) ON CONFLICT(account_id, code) DO NOTHING',
      )
      .run(accountId, coupon.code, JSON.stringify(coupon));
  }

  unusedCoupons(accountId: string): Coupon[] {
    return (
      this.db
        .prepare(
          'SELECT coupon_json FROM coupons WHERE account_id = ? AND used_session IS NULL ORDER BY code',
        )
        .all(accountId) as Array<{
        coupon_json: string;
      }>
    ).map((r) => JSON.parse(r.coupon_json) as Coupon);
  }

  markCouponsUsed(accountId: string, codes: string[], sessionId: string): void {
    const stmt = this.db.prepare(
      'UPDATE coupons SET used_session = ? WHERE account_id = ? AND code = ? AND used_session IS NULL',
    );
    for (const c of codes) stmt.run(sessionId, accountId, c);
  }

  useNonce(nonce: string, sessionId: string): 'fresh' | 'same-session' | 'replayed' {
    const row = this.db.prepare('SELECT session_id FROM nonces WHERE nonce = ?').get(nonce) as
      | { session_id: string }
      | undefined;
    if (row) return row.session_id === sessionId ? 'same-session' : 'replayed';
    this.db.prepare('INSERT INTO nonces (nonce, session_id) VALUES (?, ?)').run(nonce, sessionId);
    return 'fresh';
  }

  upsertEntry(e: EntryRow): void {
    this.db
      .prepare(
        `INSERT INTO entries (session_id, store_id, account_id, nonce, hold_intent, hold_minor, entered_at) VALUES (?,?,?,?,?,?,?)
         ON CONFLICT(session_id) DO UPDATE SET hold_intent = excluded.hold_intent, hold_minor = excluded.hold_minor`,
      )
      .run(e.sessionId, e.storeId, e.accountId, e.nonce, e.holdIntent, e.holdMinor, e.enteredAt);
  }

  entry(sessionId: string): EntryRow | undefined {
    return this.db
      .prepare(
        'SELECT session_id AS sessionId, store_id AS storeId, account_id AS accountId, nonce, hold_intent AS holdIntent, hold_minor AS holdMinor, entered_at AS enteredAt FROM entries WHERE session_id = ?',
      )
      .get(sessionId) as EntryRow | undefined;
  }

  settlement(sessionId: string): SettlementRow | undefined {
    return this.db.prepare(`${SELECT_SETTLEMENT} WHERE session_id = ?`).get(sessionId) as
      | SettlementRow
      | undefined;
  }

  insertSettlement(s: SettlementRow): boolean {
    const cols = Object.values(SETTLEMENT_COLS);
    const info = this.db
      .prepare(
        `INSERT INTO settlements (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) ON CONFLICT(session_id) DO NOTHING`,
      )
      .run(...(Object.keys(SETTLEMENT_COLS) as Array<keyof SettlementRow>).map((k) => s[k]));
    return info.changes === 1;
  }

  updateSettlement(sessionId: string, patch: Partial<SettlementRow>): void {
    const keys = Object.keys(patch) as Array<keyof SettlementRow>;
    if (keys.length === 0) return;
    this.db
      .prepare(
        `UPDATE settlements SET ${keys.map((k) => `${SETTLEMENT_COLS[k]} = ?`).join(', ')} WHERE session_id = ?`,
      )
      .run(...keys.map((k) => patch[k] ?? null), sessionId);
  }

  pendingSettlements(): SettlementRow[] {
    return this.db
      .prepare(`${SELECT_SETTLEMENT} WHERE state = 'pending' ORDER BY finalised_at`)
      .all() as SettlementRow[];
  }

  unpaidCount(accountId: string): number {
    return (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM settlements WHERE account_id = ? AND state = 'unpaid'")
        .get(accountId) as { n: number }
    ).n;
  }

  addDispute(d: DisputeRow): void {
    this.db
      .prepare(
        'INSERT INTO disputes (session_id, sku, quantity, reason, refund_minor, refund_id, created_at) VALUES (?,?,?,?,?,?,?)',
      )
      .run(d.sessionId, d.sku, d.quantity, d.reason, d.refundMinor, d.refundId, d.createdAt);
  }

  disputes(sessionId: string): DisputeRow[] {
    return this.db
      .prepare(
        'SELECT session_id AS sessionId, sku, quantity, reason, refund_minor AS refundMinor, refund_id AS refundId, created_at AS createdAt FROM disputes WHERE session_id = ? ORDER BY id',
      )
      .all(sessionId) as DisputeRow[];
  }

  setInventory(storeId: string, sku: string, units: number, at: number): void {
    this.db
      .prepare(
        'INSERT INTO inventory (store_id, sku, units, updated_at) VALUES (?,?,?,?) ON CONFLICT(store_id, sku) DO UPDATE SET units = excluded.units, updated_at = excluded.updated_at WHERE excluded.updated_at >= inventory.updated_at',
      )
      .run(storeId, sku, units, at);
  }

  inventory(storeId: string): Array<{ sku: string; units: number; updatedAt: number }> {
    return this.db
      .prepare('SELECT sku, units, updated_at AS updatedAt FROM inventory WHERE store_id = ? ORDER BY sku')
      .all(storeId) as Array<{
      sku: string;
      units: number;
      updatedAt: number;
    }>;
  }

  close(): void {
    this.db.close();
  }
}
