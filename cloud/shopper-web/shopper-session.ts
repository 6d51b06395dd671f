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

  private mac(idPart: string, exp: string): Buffer {
    return createHmac('sha256', this.key).update(`shopper-v1\n${idPart}\n${exp}`).digest();
  }

  /** A fresh cookie value for the account and its Max-Age in seconds. */
  issue(accountId: string): { value: string; maxAgeS: number; expiresAt: number } {
    const expiresAt = this.now() + this.ttlMs;
    const idPart = Buffer.from(accountId, 'utf8').toString('base64url');
    const exp = String(expiresAt);
    const value = `${idPart}.${exp}.${this.mac(idPart, exp).toString('base64url')}`;
    return { value, maxAgeS: Math.floor(this.ttlMs / 1000), expiresAt };
  }

  /** The account id of a valid, unexpired cookie; undefined for anything else. */
  verify(value: string | undefined): { accountId: string; expiresAt: number } | undefined {
    if (!value || !Cookie.safeParse(value).success) return undefined;
    const [idPart = '', exp = '', sig = ''] = value.split('.');
    const want = this.mac(idPart, exp);
    const got = Buffer.from(sig, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return undefined;
    const expiresAt = Number(exp);
    if (!(expiresAt > this.now())) return undefined;
    return { accountId: Buffer.from(idPart, 'base64url').toString('utf8'), expiresAt };
  }

  /** Worth re-issuing: less than half the lifetime left. */
  stale(expiresAt: number): boolean {
    return expiresAt - this.now() < this.ttlMs / 2;
  }
}
