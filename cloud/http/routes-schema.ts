import { z } from 'zod';
import { Receipt } from '../../core/receipt.ts';
import { Coupon } from '../pricing/pricing-config.ts';

/** Every route's schemas in one table; the OpenAPI document is generated from it. */
export const CreateAccountBody = z.strictObject({
  email: z.string().email(),
  name: z.string().min(1).max(200),
  paymentMethod: z
    .string()
    .min(1)
    .max(255)
    .describe('Stripe PaymentMethod id from Stripe Elements (ledger: any id)'),
});
export const CouponBody = Coupon;
export const PreferencesBody = z.strictObject({
  redeemLoyalty: z.boolean().describe('Spend loyalty points automatically at checkout'),
});
export const EntryBody = z.strictObject({
  sessionId: z.string().min(1).max(128),
  token: z.string().min(1).max(2048),
  enteredAt: z.number().nonnegative(),
});
export const DisputeBody = z.strictObject({
  sku: z.string().min(1),
  quantity: z.number().int().positive().default(1),
  reason: z.string().min(1).max(1000),
});
export const InventoryBody = z.strictObject({
  at: z.number().nonnegative(),
  items: z
    .array(z.strictObject({ sku: z.string().min(1), units: z.number().int().nonnegative() }))
    .max(10_000),
});
export const SettlementResponse = z.object({
  sessionId: z.string(),
  state: z.enum(['pending', 'settled', 'unpaid', 'review']),
  totalMinor: z.number().int(),
  receiptUrl: z.string().nullable(),
  reason: z.string().nullable(),
  duplicate: z.boolean(),
});

export interface RouteDoc {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  summary: string;
  auth: 'store-signature' | 'none' | 'receipt-signature' | 'stripe-signature';
  body?: z.ZodType;
  response?: z.ZodType;
}

export const ROUTES: RouteDoc[] = [
  { method: 'GET', path: '/health', summary: 'Liveness and payment mode', auth: 'none' },
  { method: 'GET', path: '/metrics', summary: 'Prometheus metrics', auth: 'none' },
  { method: 'GET', path: '/openapi.json', summary: 'This document', auth: 'none' },
  {
    method: 'POST',
    path: '/v1/accounts',
    summary: 'Create a shopper account with a saved payment method',
    auth: 'none',
    body: CreateAccountBody,
  },
  {
    method: 'GET',
    path: '/v1/accounts/{accountId}',
    summary: 'Account, loyalty points and whether it is blocked',
    auth: 'none',
  },
  {
    method: 'POST',
    path: '/v1/accounts/{accountId}/entry-tokens?store={storeId}',
    summary: 'Short-lived signed QR payload for the entry gate',
    auth: 'none',
  },
  {
    method: 'POST',
    path: '/v1/accounts/{accountId}/coupons',
    summary: 'Attach a digital coupon to an account',
    auth: 'none',
    body: CouponBody,
  },
  {
    method: 'PUT',
    path: '/v1/accounts/{accountId}/preferences',
    summary: 'Loyalty redemption preference',
    auth: 'none',
    body: PreferencesBody,
  },
  { method: 'GET', path: '/v1/stores/{storeId}/catalog', summary: 'Products and prices', auth: 'none' },
  {
    method: 'POST',
    path: '/v1/stores/{storeId}/entries',
    summary: 'Edge: a token was scanned; places the payment hold',
    auth: 'store-signature',
    body: EntryBody,
  },
  {
    method: 'POST',
    path: '/v1/stores/{storeId}/carts',
    summary: 'Edge: a finalised cart; settles exactly once per session',
    auth: 'store-signature',
    body: Receipt,
    response: SettlementResponse,
  },
  {
    method: 'POST',
    path: '/v1/stores/{storeId}/carts/{sessionId}/release',
    summary: 'Edge: an operator released a reviewed cart',
    auth: 'store-signature',
    body: Receipt,
    response: SettlementResponse,
  },
  {
    method: 'PUT',
    path: '/v1/stores/{storeId}/inventory',
    summary: 'Edge: units per product from shelf weights',
    auth: 'store-signature',
    body: InventoryBody,
  },
  {
    method: 'GET',
    path: '/v1/stores/{storeId}/inventory',
    summary: 'Unified online/offline stock per product',
    auth: 'none',
  },
  {
    method: 'GET',
    path: '/v1/receipts/{sessionId}?sig=',
    summary: 'Itemised receipt by signed URL',
    auth: 'receipt-signature',
  },
  {
    method: 'POST',
    path: '/v1/receipts/{sessionId}/disputes?sig=',
    summary: 'Dispute a line: refund and flag for review',
    auth: 'receipt-signature',
    body: DisputeBody,
  },
  {
    method: 'POST',
    path: '/v1/stripe/webhooks',
    summary: 'Stripe events, verified with the Stripe-Signature header',
    auth: 'stripe-signature',
  },
];

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const [path] = r.path.split('?') as [string];
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method.toLowerCase()] = {
      summary: r.summary,
      ...(r.auth === 'store-signature' ? { security: [{ storeSignature: [] }] } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }),
                },
              },
            },
          }
        : {}),
      responses: {
        '200': {
          description: 'OK',
          ...(r.response
            ? {
                content: {
                  'application/json': { schema: z.toJSONSchema(r.response, { unrepresentable: 'any' }) },
                },
              }
            : {}),
        },
        ...(r.body ? { '400': { description: 'Invalid body; the message names the field' } } : {}),
        ...(r.auth === 'store-signature'
          ? { '401': { description: 'Bad signature or stale timestamp' } }
          : {}),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Walkout cloud', version: '0.1.0' },
    components: {
      securitySchemes: {
        storeSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'x-walkout-signature',
          description: 'HMAC-SHA256 over timestamp, method, path and body hash (docs/cloud.md)',
        },
      },
    },
    paths,
  };
}
