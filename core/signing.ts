import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Edge → cloud request signing. Signature = hex HMAC-SHA256(secret, "<ts>\n<METHOD>\n<path>\n<sha256(body)>")
 * carried in `x-walkout-store`, `x-walkout-timestamp` (ms) and `x-walkout-signature`. The cloud
 * rejects stale timestamps (replay window) and bad signatures with 401.
 */
export const SIGNATURE_HEADERS = {
  store: 'x-walkout-store',
  timestamp: 'x-walkout-timestamp',
  signature: 'x-walkout-signature',
} as const;

export function signRequest(
  secret: string,
  method: string,
  path: string,
  body: string,
  timestampMs: number,
): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret)
    .update(`${timestampMs}\n${method.toUpperCase()}\n${path}\n${digest}`)
    .digest('hex');
}

export function signedHeaders(
  storeId: string,
  secret: string,
  method: string,
  path: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  return {
    [SIGNATURE_HEADERS.store]: storeId,
    [SIGNATURE_HEADERS.timestamp]: String(now),
    [SIGNATURE_HEADERS.signature]: signRequest(secret, method, path, body, now),
  };
}

export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Short-lived signed tokens (entry QR codes, receipt links): base64url(JSON payload) + "." + HMAC. */
export function signToken(secret: string, payload: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export function verifyToken(secret: string, token: string): Record<string, unknown> | undefined {
  const [body, mac] = token.split('.');
  if (!body || !mac) return undefined;
  const expected = createHmac('sha256', secret).update(body).digest('base64url');
  const a = Buffer.from(mac);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
