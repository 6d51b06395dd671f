import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { type RunningCloud, startCloudServer } from '../index.ts';
import { shopperWeb } from './index.ts';

const store = loadStore('demo');
const dir = mkdtempSync(join(tmpdir(), 'walkout-shopweb-'));
let cloud: RunningCloud;

beforeAll(async () => {
  cloud = await startCloudServer({ port: 0, dbPath: join(dir, 'c.db') }, [{ model: store, secret: 's' }], {
    plugins: [shopperWeb({ storeId: store.id, service: () => cloud.service })],
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
