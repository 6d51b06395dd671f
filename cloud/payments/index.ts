import { WalkoutError } from '../../core/errors.ts';

/** The card was declined (final until the shopper fixes their payment method). */
export class PaymentDeclinedError extends WalkoutError {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
/** The bank wants the shopper to authenticate (3-D Secure); off-session charges cannot continue. */
export class AuthenticationRequiredError extends WalkoutError {}
/** Network error, timeout or 5xx: retry later with the same idempotency key. */
export class PaymentTransientError extends WalkoutError {}

export interface AuthorizeRequest {
  customerId: string;
  paymentMethodId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  /** Capture later (a hold) or at once. */
  capture: 'manual' | 'automatic';
  metadata: Record<string, string>;
}

/**
 * Payment provider behind settlement: Stripe in production, the local SQLite ledger (which moves
 * no money) for the demo and anyone without a Stripe key. Every mutating call takes an idempotency
 * key derived from the session, so a retry after a crash or timeout can never charge twice.
 */
export interface PaymentProvider {
  readonly kind: 'stripe' | 'ledger';
  readonly movesMoney: boolean;
  createCustomer(email: string, name: string, idempotencyKey: string): Promise<string>;
  /** Attaches a payment method created client-side (Stripe Elements) and makes it the default. */
  attachPaymentMethod(customerId: string, paymentMethodId: string, idempotencyKey: string): Promise<void>;
  authorize(req: AuthorizeRequest): Promise<{ intentId: string; status: string }>;
  capture(
    intentId: string,
    amountMinor: number,
    idempotencyKey: string,
  ): Promise<{ status: string; capturedMinor: number }>;
  cancel(intentId: string, idempotencyKey: string): Promise<void>;
  refund(intentId: string, amountMinor: number, idempotencyKey: string): Promise<string>;
}
