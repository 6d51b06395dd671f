import type Database from 'better-sqlite3';
import {
  AuthenticationRequiredError,
  type AuthorizeRequest,
  PaymentDeclinedError,
  type PaymentProvider,
} from './index.ts';

/**
 * LOCAL PAYMENT LEDGER — MOVES NO MONEY. Records holds, captures and refunds in SQLite with the same
 * semantics as Stripe's manual-capture PaymentIntents (including idempotency keys), for the demo and
 * for development. Payment method ids `pm_decline` and `pm_auth_required` simulate card failures.
 */
export class LocalLedger implements PaymentProvider {
  readonly kind = 'ledger' as const;
  readonly movesMoney = false;

  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS ledger_intents (
      id TEXT PRIMARY KEY, idem TEXT UNIQUE, customer TEXT, payment_method TEXT, amount INTEGER,
      captured INTEGER DEFAULT 0, refunded INTEGER DEFAULT 0, currency TEXT, status TEXT, created_at INTEGER);
    CREATE TABLE IF NOT EXISTS ledger_ops (idem TEXT PRIMARY KEY, result TEXT);
    CREATE TABLE IF NOT EXISTS ledger_customers (id TEXT PRIMARY KEY, idem TEXT UNIQUE, email TEXT, name TEXT, payment_method TEXT);`);
  }

  /** Runs `fn` once per idempotency key; a repeat returns the recorded result. */
  private once<T>(idem: string, fn: () => T): T {
    const row = this.db.prepare('SELECT result FROM ledger_ops WHERE idem = ?').get(idem) as
      | { result: string }
      | undefined;
    if (row) return JSON.parse(row.result) as T;
    return this.db.transaction(() => {
      const r = fn();
      this.db
        .prepare('INSERT INTO ledger_ops (idem, result) VALUES (?, ?)')
        .run(idem, JSON.stringify(r ?? null));
      return r;
    })();
  }

  async createCustomer(email: string, name: string, idem: string): Promise<string> {
    return this.once(idem, () => {
      const id = `lcus_${idem.replace(/[^a-zA-Z0-9]/g, '').slice(-16)}`;
      this.db
        .prepare(
          'INSERT INTO ledger_customers (id, idem, email, name) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING',
        )
        .run(id, idem, email, name);
      return id;
    });
  }

  async attachPaymentMethod(customerId: string, pm: string, idem: string): Promise<void> {
    this.once(
      idem,
      () =>
        this.db.prepare('UPDATE ledger_customers SET payment_method = ? WHERE id = ?').run(pm, customerId)
          .changes,
    );
  }

  async authorize(req: AuthorizeRequest): Promise<{ intentId: string; status: string }> {
    if (req.paymentMethodId === 'pm_decline')
      throw new PaymentDeclinedError('Your card was declined.', 'card_declined');
    if (req.paymentMethodId === 'pm_auth_required')
      throw new AuthenticationRequiredError('This payment requires authentication.');
    return this.once(req.idempotencyKey, () => {
      const id = `lpi_${(this.db.prepare('SELECT COUNT(*) AS n FROM ledger_intents').get() as { n: number }).n + 1}`;
      const status = req.capture === 'manual' ? 'requires_capture' : 'succeeded';
      this.db
        .prepare(
          'INSERT INTO ledger_intents (id, idem, customer, payment_method, amount, captured, currency, status, created_at) VALUES (?,?,?,?,?,?,?,?,?)',
        )
        .run(
          id,
          req.idempotencyKey,
          req.customerId,
          req.paymentMethodId,
          req.amountMinor,
          status === 'succeeded' ? req.amountMinor : 0,
          req.currency,
          status,
          Date.now(),
        );
      return { intentId: id, status };
    });
  }

  async capture(
    intentId: string,
    amount: number,
    idem: string,
  ): Promise<{ status: string; capturedMinor: number }> {
    return this.once(idem, () => {
      const pi = this.db.prepare('SELECT amount, status FROM ledger_intents WHERE id = ?').get(intentId) as
        | { amount: number; status: string }
        | undefined;
      if (!pi || pi.status !== 'requires_capture')
        throw new PaymentDeclinedError(
          `intent ${intentId} cannot be captured (${pi?.status ?? 'missing'})`,
          'payment_intent_unexpected_state',
        );
      const captured = Math.min(amount, pi.amount);
      this.db
        .prepare("UPDATE ledger_intents SET captured = ?, status = 'succeeded' WHERE id = ?")
        .run(captured, intentId);
      return { status: 'succeeded', capturedMinor: captured };
    });
  }

  async cancel(intentId: string, idem: string): Promise<void> {
    this.once(
      idem,
      () =>
        this.db
          .prepare(
            "UPDATE ledger_intents SET status = 'canceled' WHERE id = ? AND status = 'requires_capture'",
          )
          .run(intentId).changes,
    );
  }

  async refund(intentId: string, amount: number, idem: string): Promise<string> {
    return this.once(idem, () => {
      this.db.prepare('UPDATE ledger_intents SET refunded = refunded + ? WHERE id = ?').run(amount, intentId);
      return `lre_${idem.slice(-12)}`;
    });
  }
}
