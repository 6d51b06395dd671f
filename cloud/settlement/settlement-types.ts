import { WalkoutError } from '../../core/errors.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { PaymentProvider } from '../payments/index.ts';
import type { CatalogItem } from '../pricing/price-cart.ts';
import type { PricingConfig } from '../pricing/pricing-config.ts';
import type { CloudStorage, SettlementRow } from '../storage/index.ts';

/** An HTTP-mappable refusal: `status` is the response code, `message` names what is wrong. */
export class SettlementError extends WalkoutError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface StoreEntry {
  model: StoreModel;
  secret: string;
  pricing: PricingConfig;
  catalog: Map<string, CatalogItem>;
}

export interface SettlementOptions {
  /** Signs entry tokens and receipt links; from env in production. */
  tokenSecret: string;
  holdMinor: number;
  tokenTtlMs: number;
  now?: () => number;
}

export interface SettlementResult {
  sessionId: string;
  state: SettlementRow['state'];
  totalMinor: number;
  receiptUrl: string | null;
  reason: string | null;
  /** True when this call found the cart already known (duplicate delivery). */
  duplicate: boolean;
}

/** What the settlement steps share: the service's collaborators, options and clock. */
export interface SettlementContext {
  storage: CloudStorage;
  payments: PaymentProvider;
  stores: Map<string, StoreEntry>;
  opts: SettlementOptions;
  now: () => number;
}
