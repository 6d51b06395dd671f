import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';

const log = createLogger('cloud.shopper-session');

export interface ShopperSessionOptions {
  /** HMAC key; default WALKOUT_SHOPPER_SECRET, else a random key per process (logins end with it). */
  secret?: string;
  /** Login lifetime (default 30 days); a visit in its second half renews it. */
  ttlMs?: number;
  now?: () => number;
}

const LINK_TTL_MS = 15 * 60_000;
const Secret = z.string().min(32, { error: 'must be at least 32 characters' });
// <base64url account id>.<expiry ms>.<base64url HMAC-SHA256>
const Cookie = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9_-]{1,200}\.\d{1,15}\.[A-Za-z0-9_-]{43}$/);

/**
 * The shopper's login cookie: account id and expiry signed with HMAC-SHA256, so it cannot be forged
 * by editing the id (the old cookie held the bare id) or extended by editing the expiry. Stateless:
 * the cloud keeps no login table; rotating the secret logs every shopper out.
 */
export class ShopperSessions {
  readonly ttlMs: number;
  private readonly key: Buffer;
  private readonly now: () => number;
  private readonly used = new Map<string, number>();

  constructor(o: ShopperSessionOptions = {}) {
    this.ttlMs = o.ttlMs ?? 30 * 24 * 3_600_000;
    this.now = o.now ?? Date.now;
    const given = o.secret ?? process.env.WALKOUT_SHOPPER_SECRET;
    if (given === undefined) {
      this.key = randomBytes(32);
      log.warn('no WALKOUT_SHOPPER_SECRET: generated a per-process shopper session key');
    } else {
      const r = Secret.safeParse(given);
      if (!r.success)
        throw new ValidationError('shopper session secret', [
          `WALKOUT_SHOPPER_SECRET: ${r.error.issues[0]?.message ?? 'invalid'}`,
        ]);
      this.key = Buffer.from(r.data, 'utf8');
    }
  }

  /** `purpose` keeps a sign-in link from being usable as a cookie and vice versa. */
  private mac(purpose: string, idPart: string, exp: string): Buffer {
    return createHmac('sha256', this.key).update(`${purpose}\n${idPart}\n${exp}`).digest();
  }

  private sign(purpose: string, accountId: string, expiresAt: number): string {
    const idPart = Buffer.from(accountId, 'utf8').toString('base64url');
    const exp = String(expiresAt);
    return `${idPart}.${exp}.${this.mac(purpose, idPart, exp).toString('base64url')}`;
  }

  private check(
    purpose: string,
    value: string | undefined,
  ): { accountId: string; expiresAt: number } | undefined {
    if (!value || !Cookie.safeParse(value).success) return undefined;
    const [idPart = '', exp = '', sig = ''] = value.split('.');
    // Compared as text: decoding would accept other spellings of the same bytes (base64url's last
    // character carries unused bits), so a changed character could still pass.
    const want = Buffer.from(this.mac(purpose, idPart, exp).toString('base64url'));
    const got = Buffer.from(sig);
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    const expiresAt = Number(exp);
    if (!(expiresAt > this.now())) return undefined;
    return { accountId: Buffer.from(idPart, 'base64url').toString('utf8'), expiresAt };
  }

  /** A fresh cookie value for the account and its Max-Age in seconds. */
  issue(accountId: string): { value: string; maxAgeS: number; expiresAt: number } {
    const expiresAt = this.now() + this.ttlMs;
    return {
      value: this.sign('shopper-v1', accountId, expiresAt),
      maxAgeS: Math.floor(this.ttlMs / 1000),
      expiresAt,
    };
  }

  /** The account id of a valid, unexpired cookie; undefined for anything else. */
  verify(value: string | undefined): { accountId: string; expiresAt: number } | undefined {
    return this.check('shopper-v1', value);
  }

  /** A sign-in link token (emailed to the account's address), valid for 15 minutes and used once. */
  issueLink(accountId: string): string {
    this.forgetUsed();
    return this.sign('login-link-v1', accountId, this.now() + LINK_TTL_MS);
  }

  /** The account of a valid link token, consuming it; undefined when forged, expired or used. */
  redeemLink(token: string | undefined): string | undefined {
    this.forgetUsed();
    const r = this.check('login-link-v1', token);
    if (!r || !token || this.used.has(token)) return undefined;
    this.used.set(token, r.expiresAt);
    return r.accountId;
  }

  private forgetUsed(): void {
    // Used tokens need remembering only until they expire anyway: the set stays small.
    const now = this.now();
    for (const [t, exp] of this.used) if (exp <= now) this.used.delete(t);
  }

  /** Worth re-issuing: less than half the lifetime left. */
  stale(expiresAt: number): boolean {
    return expiresAt - this.now() < this.ttlMs / 2;
  }
}
