import Stripe from 'stripe';
import {
  AuthenticationRequiredError,
  type AuthorizeRequest,
  PaymentDeclinedError,
  type PaymentProvider,
  PaymentTransientError,
} from './index.ts';

export interface StripeOptions {
  /** From env STRIPE_SECRET_KEY; never logged. */
  secretKey: string;
  /** For the local Stripe-compatible test server. */
  host?: string;
  port?: number;
  protocol?: 'http' | 'https';
  timeoutMs?: number;
}

/** Maps Stripe SDK errors onto our three outcomes; anything unknown is treated as retryable. */
function translate(err: unknown): never {
  if (err instanceof Stripe.errors.StripeCardError) {
    if (err.code === 'authentication_required') throw new AuthenticationRequiredError(err.message);
    throw new PaymentDeclinedError(err.message, err.decline_code ?? err.code ?? 'card_declined');
  }
  if (
    err instanceof Stripe.errors.StripeInvalidRequestError &&
    err.code === 'payment_intent_unexpected_state'
  )
    throw new PaymentDeclinedError(err.message, err.code);
  if (err instanceof Stripe.errors.StripeIdempotencyError)
    throw new PaymentDeclinedError(err.message, 'idempotency_error');
  throw new PaymentTransientError((err as Error).message ?? String(err), { cause: err });
}

/** Payments through the official SDK: manual-capture holds at entry, capture/cancel/top-up at exit. */
export class StripePayments implements PaymentProvider {
  readonly kind = 'stripe' as const;
  readonly movesMoney = true;
  private readonly stripe: Stripe;

  constructor(opts: StripeOptions) {
    this.stripe = new Stripe(opts.secretKey, {
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.port ? { port: opts.port } : {}),
      ...(opts.protocol ? { protocol: opts.protocol } : {}),
      // Retries are ours (same idempotency key, with backoff), so a slow Stripe never blocks an exit.
      maxNetworkRetries: 0,
      timeout: opts.timeoutMs ?? 10_000,
      telemetry: false,
    });
  }

  async createCustomer(email: string, name: string, idempotencyKey: string): Promise<string> {
    try {
      const c: Stripe.Customer = await this.stripe.customers.create({ email, name }, { idempotencyKey });
      return c.id;
    } catch (e) {
      translate(e);
    }
  }

  async attachPaymentMethod(customerId: string, pm: string, idempotencyKey: string): Promise<void> {
    try {
      await this.stripe.paymentMethods.attach(pm, { customer: customerId }, { idempotencyKey });
    } catch (e) {
      translate(e);
    }
  }

  async authorize(req: AuthorizeRequest): Promise<{ intentId: string; status: string }> {
    try {
      const pi: Stripe.PaymentIntent = await this.stripe.paymentIntents.create(
        {
          amount: req.amountMinor,
          currency: req.currency.toLowerCase(),
          customer: req.customerId,
          payment_method: req.paymentMethodId,
          capture_method: req.capture,
          confirm: true,
          off_session: true,
          metadata: req.metadata,
        },
        { idempotencyKey: req.idempotencyKey },
      );
      return { intentId: pi.id, status: pi.status };
    } catch (e) {
      translate(e);
    }
  }

  async capture(
    intentId: string,
    amountMinor: number,
    idempotencyKey: string,
  ): Promise<{ status: string; capturedMinor: number }> {
    try {
      const pi = await this.stripe.paymentIntents.capture(
        intentId,
        { amount_to_capture: amountMinor },
        { idempotencyKey },
      );
      return { status: pi.status, capturedMinor: pi.amount_received };
    } catch (e) {
      translate(e);
    }
  }

  async cancel(intentId: string, idempotencyKey: string): Promise<void> {
    try {
      await this.stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey });
    } catch (e) {
      translate(e);
    }
  }

  async refund(intentId: string, amountMinor: number, idempotencyKey: string): Promise<string> {
    try {
      const r: Stripe.Refund = await this.stripe.refunds.create(
        { payment_intent: intentId, amount: amountMinor },
        { idempotencyKey },
      );
      return r.id;
    } catch (e) {
      translate(e);
    }
  }

  /** Verifies a webhook with Stripe's signature scheme (throws on a bad signature or stale timestamp). */
  verifyWebhook(payload: string, signature: string, secret: string): Stripe.Event {
    return this.stripe.webhooks.constructEvent(payload, signature, secret);
  }
}
