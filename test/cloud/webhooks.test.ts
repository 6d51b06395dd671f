import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCloud, startCloudServer } from '../../cloud/index.ts';
import { SECRET, STORE, tempDir } from './cloud-fixture.ts';

process.env.STRIPE_SECRET_KEY = 'sk_test_webhooks';
const WHSEC = 'whsec_test_walkout';

describe('Stripe webhooks', () => {
  const tmp = tempDir();
  let cloud: RunningCloud;
  const stripe = new Stripe('sk_test_webhooks');
  beforeAll(async () => {
    cloud = await startCloudServer(
      {
        port: 0,
        dbPath: `${tmp.dir}/c.db`,
        payments: 'stripe',
        stripe: { host: '127.0.0.1', port: 9, protocol: 'http', webhookSecret: WHSEC },
      },
      [{ model: STORE, secret: SECRET }],
    );
  });
  afterAll(async () => {
    await cloud.close();
    tmp.cleanup();
  });

  const send = (payload: string, header: string) =>
    fetch(`${cloud.url}/v1/stripe/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': header },
      body: payload,
    });

  it('accepts events signed with the endpoint secret, once per event id', async () => {
    const payload = JSON.stringify({
      id: 'evt_1',
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: { id: 'pi_1' } },
    });
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: WHSEC });
    const first = await send(payload, header);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    expect(await (await send(payload, header)).json()).toEqual({ received: true, duplicate: true });
  });

  it('rejects a wrong signature, a tampered body and a stale timestamp', async () => {
    const payload = JSON.stringify({
      id: 'evt_2',
      object: 'event',
      type: 'charge.refunded',
      data: { object: {} },
    });
    const wrong = stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' });
    expect((await send(payload, wrong)).status).toBe(400);
    const good = stripe.webhooks.generateTestHeaderString({ payload, secret: WHSEC });
    expect((await send(payload.replace('evt_2', 'evt_3'), good)).status).toBe(400);
    const stale = stripe.webhooks.generateTestHeaderString({
      payload,
      secret: WHSEC,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect((await send(payload, stale)).status).toBe(400);
  });
});
