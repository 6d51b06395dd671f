import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Stripe-compatible local server for tests (no internet here). Implements the subset Walkout uses,
 * following Stripe's documented behaviour: customers, payment methods (test ids such as pm_card_visa,
 * pm_card_chargeDeclined, pm_card_authenticationRequired), PaymentIntents create/confirm/capture/cancel
 * with their status transitions and error objects, refunds, idempotency keys (same key + same body →
 * the same response with `Idempotent-Replayed: true`; same key + different body → 400
 * idempotency_error), and signed webhook events (`Stripe-Signature: t=…,v1=…`).
 * Faults: `failNext(n)` answers n requests with 500, `delayNext(n, ms)` stalls them.
 */

type Obj = Record<string, unknown>;
interface Intent extends Obj {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_capturable: number;
  amount_received: number;
  status: string;
  capture_method: string;
  payment_method: string | null;
  customer: string | null;
  currency: string;
  metadata: Obj;
}

const DECLINING: Record<string, { code: string; decline_code?: string; message: string }> = {
  pm_card_chargeDeclined: {
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    code: 'card_declined',
    decline_code: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  pm_card_authenticationRequired: {
    code: 'authentication_required',
    message: 'Your card was declined. This transaction requires authentication.',
  },
};

/** Parses Stripe's form encoding with bracket keys (metadata[a]=b, expand[0]=x). */
export function parseForm(body: string): Obj {
  const out: Obj = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const parts = k.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let cur = out;
    parts.forEach((p, i) => {
      if (i === parts.length - 1) cur[p] = v;
      else cur = (cur[p] ??= {}) as Obj;
    });
  }
  return out;
}

export class StripeMockServer {
  private server: Server | undefined;
  private seq = 0;
  readonly customers = new Map<string, Obj>();
  readonly intents = new Map<string, Intent>();
  readonly refunds = new Map<string, Obj>();
  private readonly idem = new Map<string, { hash: string; status: number; body: string }>();
  private failures = 0;
  private delays: number[] = [];
  /** Count of successful mutating calls per path prefix, for tests. */
  readonly calls: string[] = [];
  webhook: { url: string; secret: string } | undefined;

  failNext(n: number): void {
    this.failures += n;
  }

  delayNext(n: number, ms: number): void {
    for (let i = 0; i < n; i++) this.delays.push(ms);
  }

  async start(port = 0): Promise<{ host: string; port: number }> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) =>
        this.send(res, 500, { error: { type: 'api_error', message: String(e) } }),
      );
    });
    await new Promise<void>((r) => this.server?.listen(port, '127.0.0.1', r));
    return { host: '127.0.0.1', port: (this.server.address() as AddressInfo).port };
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private id(prefix: string): string {
    return `${prefix}_${(++this.seq).toString(36).padStart(14, '0')}`;
  }

  private send(res: ServerResponse, status: number, body: Obj, replayed = false): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'request-id': `req_${++this.seq}`,
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(JSON.stringify(body));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const delay = this.delays.shift();
    if (delay) await new Promise((r) => setTimeout(r, delay));
    if (!String(req.headers.authorization ?? '').startsWith('Bearer sk_')) {
      return this.send(res, 401, {
        error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' },
      });
    }
    if (this.failures > 0) {
      this.failures--;
      return this.send(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred.' } });
    }
    const key = req.headers['idempotency-key'];
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (method === 'POST' && typeof key === 'string') {
      const hash = createHash('sha256').update(`${path}\n${raw}`).digest('hex');
      const prior = this.idem.get(key);
      if (prior) {
        if (prior.hash !== hash)
          return this.send(res, 400, {
            error: {
              type: 'idempotency_error',
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
            },
          });
        return this.send(res, prior.status, JSON.parse(prior.body) as Obj, true);
      }
      const [status, body] = this.route(method, path, parseForm(raw));
      this.idem.set(key, { hash, status, body: JSON.stringify(body) });
      return this.send(res, status, body);
    }
    const [status, body] = this.route(method, path, parseForm(raw));
    this.send(res, status, body);
  }

  private route(method: string, path: string, p: Obj): [number, Obj] {
    const seg = path.split('/').filter(Boolean);
    if (method === 'POST' && path === '/v1/customers') {
      const c = {
        id: this.id('cus'),
        object: 'customer',
        email: p.email ?? null,
        name: p.name ?? null,
        metadata: p.metadata ?? {},
      };
      this.customers.set(c.id, c);
      return [200, c];
    }
    if (method === 'POST' && seg[1] === 'payment_methods' && seg[3] === 'attach') {
      const customer = String(p.customer ?? '');
      if (!this.customers.has(customer)) return notFound('customer', customer);
      this.calls.push('attach');
      return [200, { id: seg[2], object: 'payment_method', type: 'card', customer }];
    }
    if (seg[1] === 'payment_intents') return this.intentRoute(method, seg, p);
    if (method === 'POST' && path === '/v1/refunds') {
      const pi = this.intents.get(String(p.payment_intent ?? ''));
      if (!pi) return notFound('payment_intent', String(p.payment_intent));
      const refunded = [...this.refunds.values()]
        .filter((r) => r.payment_intent === pi.id)
        .reduce((s, r) => s + Number(r.amount), 0);
      const amount = p.amount === undefined ? pi.amount_received - refunded : Number(p.amount);
      if (pi.status !== 'succeeded' || amount <= 0 || amount > pi.amount_received - refunded)
        return invalid(
          `Refund amount (${amount}) is greater than unrefunded amount on charge.`,
          'amount',
          'amount_too_large',
        );
      const r = {
        id: this.id('re'),
        object: 'refund',
        amount,
        payment_intent: pi.id,
        status: 'succeeded',
        currency: pi.currency,
      };
      this.refunds.set(r.id, r);
      this.calls.push('refund');
      this.emit('charge.refunded', { ...pi, amount_refunded: refunded + amount });
      return [200, r];
    }
    return [
      404,
      { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` } },
    ];
  }

  private intentRoute(method: string, seg: string[], p: Obj): [number, Obj] {
    if (method === 'POST' && seg.length === 2) {
      const amount = Number(p.amount);
      if (!Number.isInteger(amount) || amount < 1)
        return invalid('Missing required param: amount.', 'amount', 'parameter_missing');
      const pi: Intent = {
        id: this.id('pi'),
        object: 'payment_intent',
        amount,
        amount_capturable: 0,
        amount_received: 0,
        status: 'requires_payment_method',
        capture_method: String(p.capture_method ?? 'automatic_async'),
        payment_method: (p.payment_method as string | undefined) ?? null,
        customer: (p.customer as string | undefined) ?? null,
        currency: String(p.currency ?? 'eur'),
        metadata: (p.metadata as Obj | undefined) ?? {},
      };
      if (pi.payment_method) pi.status = 'requires_confirmation';
      this.intents.set(pi.id, pi);
      if (p.confirm === 'true') return this.confirm(pi);
      return [200, pi];
    }
    const pi = this.intents.get(seg[2] ?? '');
    if (!pi) return notFound('payment_intent', seg[2] ?? '');
    if (method === 'GET' && seg.length === 3) return [200, pi];
    const action = seg[3];
    if (action === 'confirm') {
      if (p.payment_method) pi.payment_method = String(p.payment_method);
      return this.confirm(pi);
    }
    if (action === 'capture') {
      if (pi.status !== 'requires_capture') return unexpected(pi, 'capture');
      const amt = p.amount_to_capture === undefined ? pi.amount : Number(p.amount_to_capture);
      if (amt > pi.amount_capturable)
        return invalid(
          'The amount to capture exceeds the capturable amount.',
          'amount_to_capture',
          'amount_too_large',
        );
      pi.amount_received = amt;
      pi.amount_capturable = 0;
      pi.status = 'succeeded';
      this.calls.push('capture');
      this.emit('payment_intent.succeeded', pi);
      return [200, pi];
    }
    if (action === 'cancel') {
      if (['succeeded', 'canceled', 'processing'].includes(pi.status)) return unexpected(pi, 'cancel');
      pi.status = 'canceled';
      pi.amount_capturable = 0;
      this.calls.push('cancel');
      this.emit('payment_intent.canceled', pi);
      return [200, pi];
    }
    return [404, { error: { type: 'invalid_request_error', message: 'Unrecognized request URL.' } }];
  }

  private confirm(pi: Intent): [number, Obj] {
    if (!['requires_confirmation', 'requires_payment_method'].includes(pi.status) || !pi.payment_method)
      return unexpected(pi, 'confirm');
    const decline = DECLINING[pi.payment_method];
    if (decline) {
      pi.status = decline.code === 'authentication_required' ? 'requires_action' : 'requires_payment_method';
      this.emit('payment_intent.payment_failed', pi);
      return [402, { error: { type: 'card_error', ...decline, payment_intent: pi } }];
    }
    if (pi.capture_method === 'manual') {
      pi.status = 'requires_capture';
      pi.amount_capturable = pi.amount;
      this.emit('payment_intent.amount_capturable_updated', pi);
    } else {
      pi.status = 'succeeded';
      pi.amount_received = pi.amount;
      this.emit('payment_intent.succeeded', pi);
    }
    this.calls.push(`confirm:${pi.capture_method}`);
    return [200, pi];
  }

  /** Sends a signed event to the configured webhook endpoint (fire and forget, like Stripe's retries aside). */
  private emit(type: string, object: Obj): void {
    const hook = this.webhook;
    if (!hook) return;
    const payload = JSON.stringify({
      id: this.id('evt'),
      object: 'event',
      type,
      created: Math.floor(Date.now() / 1000),
      data: { object },
    });
    const t = Math.floor(Date.now() / 1000);
    const sig = createHmac('sha256', hook.secret).update(`${t}.${payload}`).digest('hex');
    fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${sig}` },
      body: payload,
    }).catch(() => {});
  }
}

function notFound(kind: string, id: string): [number, Obj] {
  return [
    404,
    {
      error: {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'id',
        message: `No such ${kind}: '${id}'`,
      },
    },
  ];
}

function invalid(message: string, param: string, code: string): [number, Obj] {
  return [400, { error: { type: 'invalid_request_error', code, param, message } }];
}

function unexpected(pi: Intent, action: string): [number, Obj] {
  return [
    400,
    {
      error: {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        message: `This PaymentIntent could not be ${action === 'capture' ? 'captured' : `${action}ed`} because it has a status of ${pi.status}.`,
        payment_intent: pi,
      },
    },
  ];
}
