import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { createLogger } from '../core/log.ts';
import type { StoreModel } from '../core/store/store-model.ts';
import { parseOrThrow } from '../core/validate.ts';
import { buildCloudApp } from './http/cloud-server.ts';
import type { PaymentProvider } from './payments/index.ts';
import { LocalLedger } from './payments/local-ledger.ts';
import { StripePayments } from './payments/stripe-payments.ts';
import type { CatalogItem } from './pricing/price-cart.ts';
import { PricingConfig } from './pricing/pricing-config.ts';
import { SettlementService, type StoreEntry } from './settlement/settlement-service.ts';
import { SqliteCloudStorage } from './storage/sqlite-storage.ts';

const log = createLogger('cloud');

export const CloudConfig = z.strictObject({
  port: z.number().int().min(0).max(65535).default(8081).describe('HTTP port (0 = any free port)'),
  host: z.string().default('127.0.0.1'),
  dbPath: z.string().min(1).describe('SQLite file of the cloud'),
  payments: z
    .enum(['ledger', 'stripe'])
    .default('ledger')
    .describe('ledger moves no money; stripe needs STRIPE_SECRET_KEY'),
  stripe: z
    .strictObject({
      host: z.string().optional(),
      port: z.number().int().optional(),
      protocol: z.enum(['http', 'https']).optional(),
      webhookSecret: z.string().optional(),
    })
    .default({})
    .describe('Overrides for a Stripe-compatible server (tests); the key always comes from env'),
  holdMinor: z.number().int().positive().default(5000).describe('Payment hold placed at entry, minor units'),
  tokenTtlMs: z
    .number()
    .int()
    .positive()
    .default(5 * 60_000)
    .describe('Lifetime of an entry QR token'),
  replayWindowMs: z
    .number()
    .int()
    .positive()
    .default(5 * 60_000)
    .describe('Accepted clock skew of signed edge requests'),
  retryIntervalMs: z
    .number()
    .int()
    .positive()
    .default(2000)
    .describe('How often pending settlements are retried'),
  pricing: PricingConfig.default(PricingConfig.parse({})),
});
export type CloudConfig = z.input<typeof CloudConfig>;

export interface CloudStore {
  model: StoreModel;
  /** Shared HMAC secret of the store's edge (from env in production). */
  secret: string;
}

export interface RunningCloud {
  url: string;
  service: SettlementService;
  app: FastifyInstance;
  close(): Promise<void>;
}

function catalogOf(model: StoreModel): Map<string, CatalogItem> {
  return new Map(
    model.config.products.map((p) => [
      p.sku,
      { sku: p.sku, name: p.name, priceMinor: p.priceMinor, taxClass: p.taxClass },
    ]),
  );
}

/** Starts the settlement service. `TOKEN_SECRET`/`STRIPE_SECRET_KEY` come from env; never logged. */
export async function startCloudServer(
  config: CloudConfig,
  stores: CloudStore[],
  extra: { plugins?: Array<(app: FastifyInstance) => Promise<void> | void>; tokenSecret?: string } = {},
): Promise<RunningCloud> {
  const cfg = parseOrThrow(CloudConfig, config, 'cloud config', ConfigError);
  const storage = new SqliteCloudStorage(cfg.dbPath);
  let payments: PaymentProvider;
  let stripe: StripePayments | undefined;
  if (cfg.payments === 'stripe') {
    const key = process.env.STRIPE_SECRET_KEY;
    if (!key)
      throw new ConfigError('cloud config', [
        'payments: "stripe" needs STRIPE_SECRET_KEY in the environment',
      ]);
    stripe = new StripePayments({ secretKey: key, ...cfg.stripe });
    payments = stripe;
  } else {
    payments = new LocalLedger(storage.db);
    log.warn(
      'payments: LOCAL LEDGER — no money moves (set payments: stripe and STRIPE_SECRET_KEY for real payments)',
    );
  }
  const entries = new Map<string, StoreEntry>(
    stores.map((s) => [
      s.model.id,
      { model: s.model, secret: s.secret, pricing: cfg.pricing, catalog: catalogOf(s.model) },
    ]),
  );
  const tokenSecret = extra.tokenSecret ?? process.env.WALKOUT_TOKEN_SECRET ?? 'walkout-dev-token-secret';
  const service = new SettlementService(storage, payments, entries, {
    tokenSecret,
    holdMinor: cfg.holdMinor,
    tokenTtlMs: cfg.tokenTtlMs,
  });
  const webhookSecret = cfg.stripe.webhookSecret ?? process.env.STRIPE_WEBHOOK_SECRET;
  const app = buildCloudApp({
    service,
    replayWindowMs: cfg.replayWindowMs,
    ...(stripe && webhookSecret
      ? {
          verifyWebhook: (p: string, s: string) =>
            (stripe as StripePayments).verifyWebhook(p, s, webhookSecret),
        }
      : {}),
    ...(extra.plugins ? { plugins: extra.plugins } : {}),
  });
  await app.listen({ port: cfg.port, host: cfg.host });
  const address = app.server.address();
  const url = `http://${cfg.host}:${typeof address === 'object' && address ? address.port : cfg.port}`;
  // A crash mid-settlement leaves rows pending; resume them now and keep retrying outages.
  let retrying = false;
  const retry = async () => {
    if (retrying) return;
    retrying = true;
    try {
      await service.resumePending();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'retry pass failed');
    } finally {
      retrying = false;
    }
  };
  void retry();
  const timer = setInterval(() => void retry(), cfg.retryIntervalMs);
  timer.unref();
  log.info({ url, payments: payments.kind }, 'cloud listening');
  return {
    url,
    service,
    app,
    async close() {
      clearInterval(timer);
      await app.close();
      storage.close();
    },
  };
}
