import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry } from 'prom-client';
import type { z } from 'zod';
import { createLogger } from '../../core/log.ts';
import { Receipt } from '../../core/receipt.ts';
import { SIGNATURE_HEADERS, safeEqualHex, signRequest } from '../../core/signing.ts';
import { formatIssues } from '../../core/validate.ts';
import { SettlementError, type SettlementService } from '../settlement/settlement-service.ts';
import {
  CouponBody,
  CreateAccountBody,
  DisputeBody,
  EntryBody,
  InventoryBody,
  openApiDocument,
  PreferencesBody,
} from './routes-schema.ts';

const log = createLogger('cloud.http');

export interface CloudHttpOptions {
  service: SettlementService;
  /** Accepted clock skew for signed edge requests (ms). */
  replayWindowMs: number;
  /** Verifies Stripe webhooks; absent in ledger mode. */
  verifyWebhook?: (payload: string, signature: string) => { id: string; type: string };
  /** Extra plugins (shopper pages). */
  plugins?: Array<(app: FastifyInstance) => Promise<void> | void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) throw new SettlementError(400, formatIssues(r.error).join('; '));
  return r.data;
}

export function buildCloudApp(opts: CloudHttpOptions): FastifyInstance {
  const { service } = opts;
  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
  const registry = new Registry();
  const requests = new Counter({
    name: 'walkout_cloud_requests_total',
    help: 'HTTP requests',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  const settleMs = new Histogram({
    name: 'walkout_cloud_settle_ms',
    help: 'Cart received → settlement outcome (ms)',
    buckets: [5, 10, 25, 50, 100, 250, 500, 1000, 2500],
    registers: [registry],
  });
  const signatureFailures = new Counter({
    name: 'walkout_cloud_signature_failures_total',
    help: 'Rejected edge signatures',
    registers: [registry],
  });

  // Keep the raw body: signatures cover the exact bytes the edge sent.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = String(body);
    req.rawBody = text;
    try {
      done(null, text.length > 0 ? JSON.parse(text) : {});
    } catch {
      done(new SettlementError(400, 'body: not valid JSON'), undefined);
    }
  });
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof SettlementError) return reply.code(err.status).send({ error: err.message });
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status < 500) return reply.code(status).send({ error: (err as Error).message });
    log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
  app.addHook('onResponse', async (req, reply) => {
    requests.inc({ route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) });
  });

  /** Verifies the edge's HMAC over timestamp, method, path and body, within the replay window. */
  const verifyStore = (req: FastifyRequest, storeId: string): void => {
    const store = service.stores.get(storeId);
    const ts = Number(req.headers[SIGNATURE_HEADERS.timestamp]);
    const sig = String(req.headers[SIGNATURE_HEADERS.signature] ?? '');
    const fail = (why: string) => {
      signatureFailures.inc();
      throw new SettlementError(401, why);
    };
    if (!store) throw new SettlementError(404, `store ${storeId} not found`);
    if (req.headers[SIGNATURE_HEADERS.store] !== storeId) fail('x-walkout-store: does not match the path');
    if (!Number.isFinite(ts) || Math.abs(Date.now() - ts) > opts.replayWindowMs)
      fail('x-walkout-timestamp: missing or outside the replay window');
    const path = req.url.split('?')[0] ?? req.url;
    if (!safeEqualHex(sig, signRequest(store?.secret ?? '', req.method, path, req.rawBody ?? '', ts)))
      fail('x-walkout-signature: invalid');
  };

  app.get('/health', async () => ({
    ok: true,
    payments: service.payments.kind,
    movesMoney: service.payments.movesMoney,
  }));
  app.get('/metrics', async (_req, reply) => reply.type(registry.contentType).send(await registry.metrics()));
  app.get('/openapi.json', async () => openApiDocument());

  app.post('/v1/accounts', async (req, reply) => {
    const b = parse(CreateAccountBody, req.body);
    const acc = await service.createAccount(b.email, b.name, b.paymentMethod);
    return reply.code(201).send({ id: acc.id, email: acc.email, name: acc.name });
  });
  app.get<{ Params: { id: string } }>('/v1/accounts/:id', async (req) => {
    const acc = service.storage.account(req.params.id);
    if (!acc) throw new SettlementError(404, 'account not found');
    return {
      id: acc.id,
      email: acc.email,
      name: acc.name,
      loyaltyPoints: acc.loyaltyPoints,
      redeemLoyalty: acc.redeemLoyalty,
      blocked: acc.blocked,
      coupons: service.storage.unusedCoupons(acc.id),
    };
  });
  const accountOr404 = (id: string) => {
    const acc = service.storage.account(id);
    if (!acc) throw new SettlementError(404, 'account not found');
    return acc;
  };
  app.post<{ Params: { id: string } }>('/v1/accounts/:id/coupons', async (req, reply) => {
    const acc = accountOr404(req.params.id);
    const c = parse(CouponBody, req.body);
    if ((c.percent === undefined) === (c.amountMinor === undefined))
      throw new SettlementError(400, 'percent: give exactly one of percent or amountMinor');
    service.storage.addCoupon(acc.id, c);
    return reply.code(201).send({ coupons: service.storage.unusedCoupons(acc.id) });
  });
  app.put<{ Params: { id: string } }>('/v1/accounts/:id/preferences', async (req) => {
    const acc = accountOr404(req.params.id);
    const b = parse(PreferencesBody, req.body);
    service.storage.setRedeemLoyalty(acc.id, b.redeemLoyalty);
    return { redeemLoyalty: b.redeemLoyalty };
  });
  app.post<{ Params: { id: string }; Querystring: { store?: string } }>(
    '/v1/accounts/:id/entry-tokens',
    async (req, reply) => {
      if (!req.query.store) throw new SettlementError(400, 'store: query parameter required');
      return reply.code(201).send(service.issueEntryToken(req.params.id, req.query.store));
    },
  );
  app.get<{ Params: { storeId: string } }>('/v1/stores/:storeId/catalog', async (req) => {
    const store = service.stores.get(req.params.storeId);
    if (!store) throw new SettlementError(404, 'store not found');
    return { currency: store.model.config.currency, products: [...store.catalog.values()] };
  });

  app.post<{ Params: { storeId: string } }>('/v1/stores/:storeId/entries', async (req) => {
    verifyStore(req, req.params.storeId);
    return service.recordEntry(req.params.storeId, parse(EntryBody, req.body));
  });
  app.post<{ Params: { storeId: string } }>('/v1/stores/:storeId/carts', async (req, reply) => {
    verifyStore(req, req.params.storeId);
    const started = performance.now();
    const result = await service.submitCart(req.params.storeId, parse(Receipt, req.body));
    settleMs.observe(performance.now() - started);
    return reply.code(result.state === 'settled' || result.duplicate ? 200 : 202).send(result);
  });
  app.post<{ Params: { storeId: string; sessionId: string } }>(
    '/v1/stores/:storeId/carts/:sessionId/release',
    async (req, reply) => {
      verifyStore(req, req.params.storeId);
      const r = parse(Receipt, req.body);
      if (r.sessionId !== req.params.sessionId)
        throw new SettlementError(400, 'sessionId: does not match the path');
      const result = await service.release(req.params.storeId, r);
      return reply.code(result.state === 'settled' || result.duplicate ? 200 : 202).send(result);
    },
  );
  app.put<{ Params: { storeId: string } }>('/v1/stores/:storeId/inventory', async (req) => {
    verifyStore(req, req.params.storeId);
    const b = parse(InventoryBody, req.body);
    for (const it of b.items) service.storage.setInventory(req.params.storeId, it.sku, it.units, b.at);
    return { updated: b.items.length };
  });
  app.get<{ Params: { storeId: string } }>('/v1/stores/:storeId/inventory', async (req) => {
    if (!service.stores.has(req.params.storeId)) throw new SettlementError(404, 'store not found');
    return { storeId: req.params.storeId, items: service.storage.inventory(req.params.storeId) };
  });

  const receiptFor = (sessionId: string, sig: string | undefined) => {
    if (!sig || !service.verifyReceiptSig(sessionId, sig))
      throw new SettlementError(401, 'sig: invalid receipt link');
    const row = service.storage.settlement(sessionId);
    if (!row) throw new SettlementError(404, 'receipt not found');
    return row;
  };
  app.get<{ Params: { sessionId: string }; Querystring: { sig?: string } }>(
    '/v1/receipts/:sessionId',
    async (req) => {
      const row = receiptFor(req.params.sessionId, req.query.sig);
      return {
        sessionId: row.sessionId,
        storeId: row.storeId,
        state: row.state,
        priced: row.pricedJson ? JSON.parse(row.pricedJson) : null,
        disputes: service.storage.disputes(row.sessionId),
        settledAt: row.settledAt,
      };
    },
  );
  app.post<{ Params: { sessionId: string }; Querystring: { sig?: string } }>(
    '/v1/receipts/:sessionId/disputes',
    async (req, reply) => {
      receiptFor(req.params.sessionId, req.query.sig);
      const b = parse(DisputeBody, req.body);
      return reply.code(201).send(await service.dispute(req.params.sessionId, b.sku, b.quantity, b.reason));
    },
  );

  const seenEvents = new Set<string>();
  app.post('/v1/stripe/webhooks', async (req) => {
    if (!opts.verifyWebhook) throw new SettlementError(404, 'webhooks are not configured (ledger mode)');
    let event: { id: string; type: string };
    try {
      event = opts.verifyWebhook(req.rawBody ?? '', String(req.headers['stripe-signature'] ?? ''));
    } catch (e) {
      throw new SettlementError(400, `stripe-signature: ${(e as Error).message}`);
    }
    const duplicate = seenEvents.has(event.id);
    seenEvents.add(event.id);
    log.info({ type: event.type, id: event.id, duplicate }, 'stripe event');
    return { received: true, duplicate };
  });

  for (const plugin of opts.plugins ?? []) void app.register(async (scope) => plugin(scope));
  return app;
}
