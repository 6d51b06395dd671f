import Database from 'better-sqlite3';
import type { ShelfEvent } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import { StorageError } from './errors.ts';
import type { Checkpoint, EventStore } from './index.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), position INTEGER NOT NULL,
  clock REAL NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS inputs (seq INTEGER PRIMARY KEY AUTOINCREMENT, position INTEGER NOT NULL UNIQUE,
  clock REAL NOT NULL, summary TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS decisions (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
  t0 REAL NOT NULL, session_id TEXT, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (seq INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL, json TEXT NOT NULL);
`;

type Row = [string, ...unknown[]];

class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private pending: Array<{ stmt: Database.Statement; args: unknown[] }> = [];
  private readonly st: Record<string, Database.Statement>;
  readonly resumable: boolean;

  constructor(readonly path: string) {
    this.resumable = path !== ':memory:' && path !== '';
    try {
      this.db = new Database(path);
    } catch (err) {
      throw new StorageError(`cannot open event store ${path}: ${(err as Error).message}`, { cause: err });
    }
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable against process crashes (kill -9) in WAL mode; only power loss can drop the tail.
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(SCHEMA);
    this.st = {
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?'),
      setMeta: this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      getCp: this.db.prepare('SELECT position, clock, state FROM checkpoint WHERE id = 1'),
      setCp: this.db.prepare(
        'INSERT OR REPLACE INTO checkpoint (id, position, clock, state) VALUES (1, ?, ?, ?)',
      ),
      input: this.db.prepare('INSERT OR IGNORE INTO inputs (position, clock, summary) VALUES (?, ?, ?)'),
      decision: this.db.prepare('INSERT OR IGNORE INTO decisions (id, kind, data) VALUES (?, ?, ?)'),
      event: this.db.prepare('INSERT OR IGNORE INTO events (id, t0, session_id, json) VALUES (?, ?, ?, ?)'),
      updateEvent: this.db.prepare('UPDATE events SET session_id = ?, json = ? WHERE id = ?'),
      receipt: this.db.prepare('INSERT OR IGNORE INTO receipts (session_id, status, json) VALUES (?, ?, ?)'),
    };
  }

  bindSource(sourceId: string): void {
    const row = this.st.getMeta?.get('source') as { value: string } | undefined;
    if (row && row.value !== sourceId)
      throw new StorageError(
        `event store ${this.path} belongs to another input (${row.value.slice(0, 24)}…); use a new --db`,
      );
    if (!row) this.st.setMeta?.run('source', sourceId);
  }

  loadCheckpoint(): Checkpoint | null {
    const row = this.st.getCp?.get() as { position: number; clock: number; state: string } | undefined;
    if (!row) return null;
    try {
      return { position: row.position, clock: row.clock, state: JSON.parse(row.state) };
    } catch (err) {
      throw new StorageError(`event store ${this.path}: corrupt snapshot`, { cause: err });
    }
  }

  private queue(name: string, ...args: unknown[]): void {
    const stmt = this.st[name];
    if (stmt) this.pending.push({ stmt, args });
  }

  logInputs(position: number, clock: number, summary: Record<string, unknown>): void {
    this.queue('input', position, clock, JSON.stringify(summary));
  }

  logDecision(id: string, kind: string, data: unknown): void {
    this.queue('decision', id, kind, JSON.stringify(data));
  }

  logEvent(ev: ShelfEvent): void {
    this.queue('event', ev.id, ev.t0, ev.sessionId, JSON.stringify(ev));
  }

  updateEvent(ev: ShelfEvent): void {
    this.queue('updateEvent', ev.sessionId, JSON.stringify(ev), ev.id);
  }

  commitReceipt(r: Receipt): boolean {
    return (this.st.receipt?.run(r.sessionId, r.status, JSON.stringify(r)).changes ?? 0) > 0;
  }

  checkpoint(cp: Checkpoint): void {
    const rows = this.pending;
    this.pending = [];
    this.db.transaction(() => {
      for (const { stmt, args } of rows) stmt.run(...args);
      if (this.resumable) this.st.setCp?.run(cp.position, cp.clock, JSON.stringify(cp.state));
    })();
  }

  receipts(): Receipt[] {
    return (this.db.prepare('SELECT json FROM receipts ORDER BY seq').raw().all() as Row[]).map(
      (r) => JSON.parse(r[0]) as Receipt,
    );
  }

  events(): ShelfEvent[] {
    return (this.db.prepare('SELECT json FROM events ORDER BY seq').raw().all() as Row[]).map(
      (r) => JSON.parse(r[0]) as ShelfEvent,
    );
  }

  counts(): { events: number; receipts: number; decisions: number; inputs: number } {
    const n = (t: string) => (this.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { events: n('events'), receipts: n('receipts'), decisions: n('decisions'), inputs: n('inputs') };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating if needed) a WAL-mode SQLite event store; ':memory:' for throw-away runs. */
export function openEventStore(path: string): EventStore {
  return new SqliteEventStore(path);
}
