import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import Database from 'better-sqlite3';
import { WalkoutError } from '../../core/errors.ts';

/** Operator roles: viewers watch; reviewers may also decide review items and release carts. */
export type Role = 'viewer' | 'reviewer';

export class AuthError extends WalkoutError {
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

export interface AuditEntry {
  id: number;
  at: number;
  operator: string;
  action: string;
  sessionId: string;
  reason: string;
  detail: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS operators (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS op_sessions (token TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, operator TEXT NOT NULL,
  action TEXT NOT NULL, session_id TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS released (session_id TEXT PRIMARY KEY, receipt_json TEXT NOT NULL, at INTEGER NOT NULL);`;

/** Operators, login sessions and the audit log on one SQLite file (survives restarts of the edge). */
export class OperatorDb {
  readonly db: Database.Database;

  constructor(
    path: string,
    private readonly sessionTtlMs = 8 * 3600_000,
    private readonly now: () => number = Date.now,
  ) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  /** Creates or replaces an operator; bcrypt cost 10 keeps login near 50-100 ms on a store box. */
  upsertOperator(username: string, password: string, role: Role): void {
    const hash = bcrypt.hashSync(password, 10);
    this.db
      .prepare(
        'INSERT INTO operators (username, password_hash, role) VALUES (?, ?, ?) ON CONFLICT(username) DO UPDATE SET password_hash = excluded.password_hash, role = excluded.role',
      )
      .run(username, hash, role);
  }

  /** Checks the password and opens a session; same error for unknown user and wrong password. */
  async login(username: string, password: string): Promise<{ token: string; role: Role; expiresAt: number }> {
    const row = this.db
      .prepare('SELECT password_hash AS hash, role FROM operators WHERE username = ?')
      .get(username) as { hash: string; role: Role } | undefined;
    const ok = await bcrypt.compare(
      password,
      row?.hash ?? '$2b$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva',
    );
    if (!row || !ok) throw new AuthError(401, 'username or password is wrong');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.sessionTtlMs;
    this.db.prepare('DELETE FROM op_sessions WHERE expires_at < ?').run(this.now());
    this.db
      .prepare('INSERT INTO op_sessions (token, username, expires_at) VALUES (?, ?, ?)')
      .run(token, username, expiresAt);
    return { token, role: row.role, expiresAt };
  }

  /** The operator behind a session token, or an AuthError when missing or expired. */
  authenticate(token: string | undefined): { username: string; role: Role } {
    if (!token) throw new AuthError(401, 'not logged in');
    const row = this.db
      .prepare(
        'SELECT s.username AS username, o.role AS role, s.expires_at AS expiresAt FROM op_sessions s JOIN operators o ON o.username = s.username WHERE s.token = ?',
      )
      .get(token) as { username: string; role: Role; expiresAt: number } | undefined;
    if (!row || row.expiresAt < this.now()) throw new AuthError(401, 'session expired; log in again');
    return { username: row.username, role: row.role };
  }

  logout(token: string): void {
    this.db.prepare('DELETE FROM op_sessions WHERE token = ?').run(token);
  }

  audit(e: Omit<AuditEntry, 'id' | 'at'>): AuditEntry {
    const at = this.now();
    const r = this.db
      .prepare(
        'INSERT INTO audit_log (at, operator, action, session_id, reason, detail) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(at, e.operator, e.action, e.sessionId, e.reason, e.detail);
    return { id: Number(r.lastInsertRowid), at, ...e };
  }

  auditLog(limit = 200): AuditEntry[] {
    return this.db
      .prepare(
        'SELECT id, at, operator, action, session_id AS sessionId, reason, detail FROM audit_log ORDER BY id DESC LIMIT ?',
      )
      .all(limit) as AuditEntry[];
  }

  /** Records a release; false when the session was already released (a cart is charged once). */
  markReleased(sessionId: string, receiptJson: string): boolean {
    const r = this.db
      .prepare('INSERT OR IGNORE INTO released (session_id, receipt_json, at) VALUES (?, ?, ?)')
      .run(sessionId, receiptJson, this.now());
    return r.changes === 1;
  }

  /** One indexed lookup: the dashboard asks per new session instead of holding every id ever released. */
  isReleased(sessionId: string): boolean {
    return this.db.prepare('SELECT 1 FROM released WHERE session_id = ?').get(sessionId) !== undefined;
  }

  close(): void {
    this.db.close();
  }
}
