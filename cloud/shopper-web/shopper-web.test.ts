import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { type RunningCloud, startCloudServer } from '../index.ts';
import { shopperWeb } from './index.ts';
import { ShopperSessions } from './shopper-session.ts';

const store = loadStore('demo');
const dir = mkdtempSync(join(tmpdir(), 'walkout-shopweb-'));
let cloud: RunningCloud;
/** Added to the plugin's clock: moves the shopper's login past its expiry without waiting. */
let skewMs = 0;
const TTL = 3_600_000;
/** The "mailbox": sign-in links the plugin asked to deliver. */
const sent: Array<{ to: { email: string; name: string }; path: string }> = [];

beforeAll(async () => {
  cloud = await startCloudServer({ port: 0, dbPath: join(dir, 'c.db') }, [{ model: store, secret: 's' }], {
    plugins: [
      shopperWeb({
        storeId: store.id,
        service: () => cloud.service,
        session: { secret: 'x'.repeat(40), ttlMs: TTL, now: () => Date.now() + skewMs },
        sendLoginLink: (to, path) => void sent.push({ to, path }),
      }),
    ],
  });
});
afterAll(async () => {
  await cloud.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: unknown, cookie = '') =>
  fetch(`${cloud.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });

describe('shopper pages', () => {
  it('rejects invalid sign-ups naming the field, issues a fresh QR token per request', async () => {
    const bad = await post('/shop/api/signup', {
      name: 'A',
      email: 'not-an-email',
      paymentMethod: 'pm_card_visa',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toContain('email');
    expect((await fetch(`${cloud.url}/shop/api/entry-qr`)).status).toBe(401);
    const ok = await post('/shop/api/signup', {
      name: 'A',
      email: 'a@example.com',
      paymentMethod: 'pm_card_visa',
    });
    expect(ok.status).toBe(201);
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const qr = async () =>
      (await (await fetch(`${cloud.url}/shop/api/entry-qr`, { headers: { cookie } })).json()) as {
        token: string;
        svg: string;
      };
    const [a, b] = [await qr(), await qr()];
    expect(a.svg).toContain('<svg');
    expect(a.token).not.toBe(b.token);
    const me = await fetch(`${cloud.url}/shop/me`, { headers: { cookie } });
    expect(await me.text()).toContain('Scan this code');
  });

  it('refuses receipt links with a wrong signature', async () => {
    expect((await fetch(`${cloud.url}/shop/receipts/S1?sig=forged`)).status).toBe(401);
    expect((await fetch(`${cloud.url}/shop/receipts/S1`)).status).toBe(400);
  });
});

const signup = async (email: string) => {
  const r = await post('/shop/api/signup', { name: 'B', email, paymentMethod: 'pm_card_visa' });
  expect(r.status).toBe(201);
  const { id } = (await r.json()) as { id: string };
  return {
    id,
    cookie: (r.headers.get('set-cookie') ?? '').split(';')[0] as string,
    raw: r.headers.get('set-cookie'),
  };
};
const meStatus = async (cookie: string) => {
  const r = await fetch(`${cloud.url}/shop/me`, { headers: { cookie }, redirect: 'manual' });
  const qr = await fetch(`${cloud.url}/shop/api/entry-qr`, { headers: { cookie } });
  return { me: r.status, location: r.headers.get('location'), qr: qr.status };
};
const LOGIN_PAGE = { me: 302, location: '/shop', qr: 401 };

describe('shopper login cookie', () => {
  it('is signed and expiring: HttpOnly, Max-Age = lifetime, not the bare account id', async () => {
    const a = await signup('signed@example.com');
    expect(a.raw).toContain('HttpOnly');
    expect(a.raw).toContain(`Max-Age=${TTL / 1000}`);
    expect(a.cookie).not.toBe(`wo_shopper=${a.id}`);
    expect(await meStatus(a.cookie)).toEqual({ me: 200, location: null, qr: 200 });
    // The old forgeable form (the account id itself) no longer signs anyone in.
    expect(await meStatus(`wo_shopper=${a.id}`)).toEqual(LOGIN_PAGE);
  });

  it('tampered cookies go to the login page', async () => {
    const a = await signup('victim@example.com');
    const b = await signup('mallory@example.com');
    const [idA = '', expA = '', sigA = ''] = a.cookie.slice('wo_shopper='.length).split('.');
    const [idB = '', expB = '', sigB = ''] = b.cookie.slice('wo_shopper='.length).split('.');
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');
    for (const forged of [
      `${idA}.${expB}.${sigB}`, // someone else's id under my signature
      `${idB}.${String(Number(expB) + 86_400_000)}.${sigB}`, // extended expiry
      `${idB}.${expB}.${flip(sigB[0] ?? '')}${sigB.slice(1)}`, // edited signature
      `${idB}.${expB}.${sigA}`, // signature of another cookie
      `${idA}.${expA}`, // no signature
      `${Buffer.from(a.id).toString('base64url')}.${expA}.${'A'.repeat(43)}`,
      '%00..',
    ])
      expect(await meStatus(`wo_shopper=${forged}`)).toEqual(LOGIN_PAGE);
    expect(await meStatus(b.cookie)).toEqual({ me: 200, location: null, qr: 200 });
  });

  it('an expired cookie goes to the login page; a half-used one is renewed', async () => {
    const a = await signup('expiring@example.com');
    try {
      skewMs = TTL * 0.75;
      const r = await fetch(`${cloud.url}/shop/me`, { headers: { cookie: a.cookie }, redirect: 'manual' });
      expect(r.status).toBe(200);
      const renewed = (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
      expect(renewed).toMatch(/^wo_shopper=/);
      expect(renewed).not.toBe(a.cookie);
      skewMs = TTL + 1000;
      expect(await meStatus(a.cookie)).toEqual(LOGIN_PAGE);
      // The renewed cookie runs from the renewal, so it is still good.
      expect((await meStatus(renewed)).me).toBe(200);
      skewMs = TTL * 2;
      expect(await meStatus(renewed)).toEqual(LOGIN_PAGE);
    } finally {
      skewMs = 0;
    }
  });

  it('a cookie signed with another secret is refused; short secrets are rejected naming the variable', () => {
    const mine = new ShopperSessions({ secret: 'm'.repeat(32) });
    const other = new ShopperSessions({ secret: 'o'.repeat(32) });
    const c = mine.issue('acc_1').value;
    expect(mine.verify(c)?.accountId).toBe('acc_1');
    expect(other.verify(c)).toBeUndefined();
    expect(() => new ShopperSessions({ secret: 'short' })).toThrow(
      /WALKOUT_SHOPPER_SECRET: must be at least 32/,
    );
    // Without a secret each process gets its own random key.
    const env = process.env.WALKOUT_SHOPPER_SECRET;
    delete process.env.WALKOUT_SHOPPER_SECRET;
    try {
      expect(new ShopperSessions().verify(new ShopperSessions().issue('acc_1').value)).toBeUndefined();
    } finally {
      if (env !== undefined) process.env.WALKOUT_SHOPPER_SECRET = env;
    }
  });
});

describe('signing back in with an emailed link', () => {
  const follow = (path: string) => fetch(`${cloud.url}${path}`, { redirect: 'manual' });

  it('an expired shopper requests a link, follows it once and is signed in again', async () => {
    const a = await signup('returning@example.com');
    expect(await (await fetch(`${cloud.url}/shop`)).text()).toContain('Email me a sign-in link');
    const ask = (email: string) => post('/shop/api/login-link', { email });
    expect((await ask('nobody@example.com')).status).toBe(202); // same answer, nothing sent
    expect(sent).toHaveLength(0);
    expect((await ask('not-an-email')).status).toBe(400);
    expect((await ask('returning@example.com')).status).toBe(202);
    expect(sent).toHaveLength(1);
    const link = sent[0] as { to: { email: string }; path: string };
    expect(link.to.email).toBe('returning@example.com');
    expect(link.path).toMatch(/^\/shop\/login\?token=/);
    const r = await follow(link.path);
    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/shop/me');
    const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(await meStatus(cookie)).toEqual({ me: 200, location: null, qr: 200 });
    expect(cookie).not.toBe(a.cookie);
    // Used once: following it again (a forwarded email, a proxy's prefetch log) signs nobody in.
    expect((await follow(link.path)).status).toBe(401);
  });

  it('refuses forged, cookie-as-link and expired link tokens', async () => {
    const a = await signup('linky@example.com');
    sent.length = 0;
    await post('/shop/api/login-link', { email: 'linky@example.com' });
    const path = sent[0]?.path as string;
    const token = decodeURIComponent(path.split('token=')[1] ?? '');
    const [id = '', exp = '', sig = ''] = token.split('.');
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const lastAt = b64.indexOf(sig.slice(-1));
    for (const forged of [
      `${id}.${String(Number(exp) + 3_600_000)}.${sig}`,
      `${id}.${exp}.${sig.slice(0, -1)}${b64[lastAt ^ 32]}`,
      // The same signature bytes spelt differently (the last character's unused low bit).
      `${id}.${exp}.${sig.slice(0, -1)}${b64[lastAt ^ 1]}`,
      a.cookie.slice('wo_shopper='.length), // a login cookie is not a sign-in link
    ])
      expect((await follow(`/shop/login?token=${encodeURIComponent(forged)}`)).status).toBe(401);
    expect((await follow('/shop/login')).status).toBe(401);
    try {
      skewMs = 16 * 60_000;
      expect((await follow(path)).status).toBe(401);
    } finally {
      skewMs = 0;
    }
  });
});
