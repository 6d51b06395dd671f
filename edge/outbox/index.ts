import Database from 'better-sqlite3';
import { createLogger } from '../../core/log.ts';
import type { Receipt } from '../../core/receipt.ts';
import { signedHeaders } from '../../core/signing.ts';
import type { Bus } from '../bus/index.ts';

const log = createLogger('edge.outbox');

export interface OutboxOptions {
  dbPath: string;
  cloudUrl: string;
  storeId: string;
  /** The store's HMAC secret (from env in production). */
  secret: string;
  /** First retry delay; doubles per attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  requestTimeoutMs?: number;
  /** Called with the cloud's answer for each delivered item. */
  onDelivered?: (item: {
    key: string;
    kind: string;
    status: number;
    body: unknown;
    queuedAt: number;
  }) => void;
}

interface Row {
  id: number;
  key: string;
  kind: string;
  method: string;
  path: string;
  body: string;
  attempts: number;
  queued_at: number;
}

/**
 * Durable edge → cloud delivery. Items are written to SQLite before anything is sent, delivered at
 * least once with exponential backoff (the cloud deduplicates by session id), and survive restarts.
 * 2xx and definitive 4xx answers (409 duplicate, 422 parked for review) end an item; 5xx, 401 (clock
 * skew) and network errors are retried.
 */
export class Outbox {
  private readonly db: Database.Database;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private wake: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly o: OutboxOptions) {
    this.db = new Database(o.dbPath);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL, kind TEXT NOT NULL,
      grp TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,
      queued_at INTEGER NOT NULL, delivered_at INTEGER, status INTEGER, last_error TEXT);
      CREATE INDEX IF NOT EXISTS outbox_grp ON outbox(grp, id)`);
  }

  /**
   * Queues an item; a second enqueue with the same key is ignored (returns false). Items of one
   * `group` (a session: its entry, then its cart) are delivered in order; groups run in parallel.
   */
  enqueue(
    kind: string,
    key: string,
    method: 'POST' | 'PUT',
    path: string,
    body: unknown,
    group: string = key,
  ): boolean {
    const now = Date.now();
    const r = this.db
      .prepare(
        'INSERT INTO outbox (key, kind, grp, method, path, body, next_at, queued_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(key) DO NOTHING',
      )
      .run(key, kind, group, method, path, JSON.stringify(body), now, now);
    this.wake?.();
    return r.changes === 1;
  }

  /** A scanned entry token: the cloud validates it and places the payment hold. */
  enqueueEntry(e: { sessionId: string; token: string; enteredAt: number }): boolean {
    return this.enqueue(
      'entry',
      `entry:${e.sessionId}`,
      'POST',
      cloudPaths.entry(this.o.storeId),
      e,
      e.sessionId,
    );
  }

  /** A finalised cart (charged, or parked in the cloud for review). */
  enqueueCart(r: Receipt): boolean {
    return this.enqueue(
      'cart',
      `cart:${r.sessionId}`,
      'POST',
      cloudPaths.cart(this.o.storeId),
      r,
      r.sessionId,
    );
  }

  /** A reviewed cart an operator released for charging. */
  enqueueRelease(r: Receipt): boolean {
    return this.enqueue(
      'release',
      `release:${r.sessionId}`,
      'POST',
      cloudPaths.release(this.o.storeId, r.sessionId),
      r,
      r.sessionId,
    );
  }

  /** Units per product from shelf weights at store time `at`. */
  enqueueInventory(at: number, items: Array<{ sku: string; units: number }>): boolean {
    return this.enqueue('inventory', `inventory:${at}`, 'PUT', cloudPaths.inventory(this.o.storeId), {
      at,
      items,
    });
  }

  pending(): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL').get() as { n: number }
    ).n;
  }

  stats(): { pending: number; delivered: number; attempts: number } {
    return this.db
      .prepare(
        'SELECT SUM(delivered_at IS NULL) AS pending, SUM(delivered_at IS NOT NULL) AS delivered, COALESCE(SUM(attempts),0) AS attempts FROM outbox',
      )
      .get() as { pending: number; delivered: number; attempts: number };
  }

  /** Starts the background deliverer. */
  start(): void {
    this.stopped = false;
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    while (this.running) await new Promise((r) => setTimeout(r, 5));
  }

  close(): void {
    this.db.close();
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped) {
        const due = this.db
          .prepare(
            `SELECT id, key, kind, method, path, body, attempts, queued_at FROM outbox o WHERE delivered_at IS NULL AND next_at <= ?
             AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.grp = o.grp AND e.id < o.id AND e.delivered_at IS NULL) ORDER BY id LIMIT 64`,
          )
          .all(Date.now()) as Row[];
        if (due.length > 0) {
          await Promise.all(due.map((r) => this.deliver(r)));
          continue;
        }
        const next = this.db
          .prepare('SELECT MIN(next_at) AS t FROM outbox WHERE delivered_at IS NULL')
          .get() as { t: number | null };
        const wait = next.t === null ? 1000 : Math.max(1, Math.min(1000, next.t - Date.now()));
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, wait);
        });
        clearTimeout(this.timer);
        this.wake = undefined;
      }
    } finally {
      this.running = false;
    }
  }

  private async deliver(r: Row): Promise<void> {
    const headers = {
      'content-type': 'application/json',
      ...signedHeaders(this.o.storeId, this.o.secret, r.method, r.path, r.body),
    };
    let status = 0;
    let body: unknown;
    let error: string | null = null;
    try {
      const res = await fetch(`${this.o.cloudUrl}${r.path}`, {
        method: r.method,
        headers,
        body: r.body,
        signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 10_000),
      });
      status = res.status;
      body = await res.json().catch(() => null);
    } catch (e) {
      error = (e as Error).message;
    }
    const final = status >= 200 && status < 500 && status !== 401 && status !== 408 && status !== 429;
    if (final) {
      this.db
        .prepare(
          'UPDATE outbox SET delivered_at = ?, status = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?',
        )
        .run(Date.now(), status, r.id);
      if (status >= 400) log.warn({ key: r.key, status, body }, 'cloud refused item');
      this.o.onDelivered?.({ key: r.key, kind: r.kind, status, body, queuedAt: r.queued_at });
      return;
    }
    const delay = Math.min(
      this.o.maxDelayMs ?? 60_000,
      (this.o.baseDelayMs ?? 250) * 2 ** Math.min(r.attempts, 20),
    );
    this.db
      .prepare(
        'UPDATE outbox SET attempts = attempts + 1, next_at = ?, status = ?, last_error = ? WHERE id = ?',
      )
      .run(Date.now() + delay, status, error ?? `HTTP ${status}`, r.id);
  }
}

/** The cloud routes the outbox posts to (docs/cloud.md). */
const cloudPaths = {
  entry: (storeId: string) => `/v1/stores/${encodeURIComponent(storeId)}/entries`,
  cart: (storeId: string) => `/v1/stores/${encodeURIComponent(storeId)}/carts`,
  release: (storeId: string, sessionId: string) =>
    `/v1/stores/${encodeURIComponent(storeId)}/carts/${encodeURIComponent(sessionId)}/release`,
  inventory: (storeId: string) => `/v1/stores/${encodeURIComponent(storeId)}/inventory`,
};

/**
 * The edge's link to the cloud: every session opened at the gate and every finalised cart on the bus
 * goes into the outbox. Returns a function that stops forwarding.
 */
export function forwardToCloud(bus: Pick<Bus, 'subscribe'>, outbox: Outbox): () => void {
  const offSession = bus.subscribe('edge.session', (s) => {
    if (s.state === 'open') outbox.enqueueEntry({ sessionId: s.sessionId, token: s.token, enteredAt: s.t });
  });
  const offReceipt = bus.subscribe('edge.receipt', (r) => outbox.enqueueCart(r));
  return () => {
    offSession();
    offReceipt();
  };
}
