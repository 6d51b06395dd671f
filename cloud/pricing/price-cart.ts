import type { Coupon, PricingConfig, Promotion } from './pricing-config.ts';

export interface CatalogItem {
  sku: string;
  name: string;
  priceMinor: number;
  taxClass: string;
}

export interface Discount {
  id: string;
  label: string;
  /** Positive amount taken off, minor units. */
  amountMinor: number;
}

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  grossMinor: number;
  discounts: Discount[];
  netMinor: number;
  taxClass: string;
  taxRate: number;
  taxMinor: number;
}

export interface PricedReceipt {
  currency: string;
  lines: PricedLine[];
  /** Discounts not tied to one line (bundles spanning products are split across their lines). */
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  loyaltyRedeemedPoints: number;
  loyaltyRedeemedMinor: number;
  totalMinor: number;
  loyaltyEarnedPoints: number;
  taxMode: 'inclusive' | 'exclusive';
}

/** Rounds half away from zero; money is integer minor units everywhere. */
export const roundMinor = (v: number): number => Math.sign(v) * Math.round(Math.abs(v));

function applyPromotion(p: Promotion, lines: PricedLine[]): void {
  const of = (sku: string) => lines.find((l) => l.sku === sku);
  if (p.kind === 'multi-buy') {
    // Pooled across the listed SKUs; the cheapest units are the free ones.
    const units = p.skus.flatMap((s) => {
      const l = of(s);
      return l ? Array.from({ length: l.quantity }, () => l) : [];
    });
    const free = Math.floor(units.length / p.buy) * (p.buy - p.pay);
    units.sort((a, b) => a.unitPriceMinor - b.unitPriceMinor);
    for (const l of units.slice(0, free)) addDiscount(l, p.id, p.label, l.unitPriceMinor);
  } else if (p.kind === 'percent-off') {
    for (const s of p.skus) {
      const l = of(s);
      if (l) addDiscount(l, p.id, p.label, roundMinor((l.netMinor * p.percent) / 100));
    }
  } else {
    const members = p.skus.map(of);
    if (members.some((l) => !l)) return;
    const ls = members as PricedLine[];
    const bundles = Math.min(...ls.map((l) => l.quantity));
    const full = ls.reduce((s, l) => s + l.unitPriceMinor, 0);
    const saving = (full - p.priceMinor) * bundles;
    if (saving <= 0) return;
    // Split the saving across the bundle's lines by price; the last line takes the rounding remainder.
    let left = saving;
    ls.forEach((l, i) => {
      const share = i === ls.length - 1 ? left : roundMinor((saving * l.unitPriceMinor) / full);
      left -= share;
      addDiscount(l, p.id, p.label, share);
    });
  }
}

function addDiscount(l: PricedLine, id: string, label: string, amount: number): void {
  const amt = Math.min(amount, l.netMinor);
  if (amt <= 0) return;
  const same = l.discounts.find((d) => d.id === id);
  if (same) same.amountMinor += amt;
  else l.discounts.push({ id, label, amountMinor: amt });
  l.netMinor -= amt;
}

/**
 * Prices a cart. Order: promotions (in configured order), then coupons, then loyalty redemption
 * (spread over lines so tax stays per class), then tax per line. Inclusive tax is extracted as
 * net − net / (1 + rate); exclusive tax is added as net × rate; both rounded half away from zero per line.
 */
export function priceCart(
  items: Array<{ sku: string; quantity: number }>,
  catalog: Map<string, CatalogItem>,
  cfg: PricingConfig,
  currency: string,
  extras: { coupons?: Coupon[]; redeemPoints?: number } = {},
): PricedReceipt {
  const lines: PricedLine[] = items.map(({ sku, quantity }) => {
    const c = catalog.get(sku);
    if (!c) throw new Error(`unknown sku ${sku}`);
    const gross = c.priceMinor * quantity;
    const rate = cfg.taxRates[c.taxClass] ?? cfg.taxRates.standard ?? 0;
    return {
      sku,
      name: c.name,
      quantity,
      unitPriceMinor: c.priceMinor,
      grossMinor: gross,
      discounts: [],
      netMinor: gross,
      taxClass: c.taxClass,
      taxRate: rate,
      taxMinor: 0,
    };
  });
  for (const p of cfg.promotions) applyPromotion(p, lines);
  for (const c of extras.coupons ?? []) {
    const targets = lines.filter((l) => !c.sku || l.sku === c.sku);
    const base = targets.reduce((s, l) => s + l.netMinor, 0);
    if (base <= 0) continue;
    const total = c.percent ? roundMinor((base * c.percent) / 100) : Math.min(c.amountMinor ?? 0, base);
    spread(targets, total, `coupon:${c.code}`, c.label);
  }
  const before = lines.reduce((s, l) => s + l.netMinor, 0);
  const maxPoints = cfg.loyalty.minorPerPoint > 0 ? Math.floor(before / cfg.loyalty.minorPerPoint) : 0;
  const points = Math.max(0, Math.min(extras.redeemPoints ?? 0, maxPoints));
  if (points > 0) spread(lines, points * cfg.loyalty.minorPerPoint, 'loyalty', `${points} loyalty points`);
  for (const l of lines) {
    l.taxMinor =
      cfg.taxMode === 'inclusive'
        ? roundMinor(l.netMinor - l.netMinor / (1 + l.taxRate))
        : roundMinor(l.netMinor * l.taxRate);
  }
  const subtotal = lines.reduce((s, l) => s + l.grossMinor, 0);
  const net = lines.reduce((s, l) => s + l.netMinor, 0);
  const tax = lines.reduce((s, l) => s + l.taxMinor, 0);
  const total = cfg.taxMode === 'inclusive' ? net : net + tax;
  return {
    currency,
    lines,
    subtotalMinor: subtotal,
    discountMinor: subtotal - net,
    taxMinor: tax,
    loyaltyRedeemedPoints: points,
    loyaltyRedeemedMinor: points * cfg.loyalty.minorPerPoint,
    totalMinor: total,
    loyaltyEarnedPoints: Math.floor(total / 100) * cfg.loyalty.pointsPerMajorUnit,
    taxMode: cfg.taxMode,
  };
}

/** Spreads an amount over lines in proportion to their net; the largest line absorbs the remainder. */
function spread(lines: PricedLine[], amount: number, id: string, label: string): void {
  const base = lines.reduce((s, l) => s + l.netMinor, 0);
  if (base <= 0 || amount <= 0) return;
  const amt = Math.min(amount, base);
  const sorted = [...lines].sort((a, b) => b.netMinor - a.netMinor);
  let left = amt;
  for (const l of sorted.slice(1)) {
    const before = l.netMinor;
    addDiscount(l, id, label, Math.floor((amt * l.netMinor) / base));
    left -= before - l.netMinor;
  }
  if (sorted[0]) addDiscount(sorted[0], id, label, left);
}
