import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CatalogItem, priceCart } from './price-cart.ts';
import { PricingConfig } from './pricing-config.ts';

const catalog = new Map<string, CatalogItem>(
  [
    { sku: 'cola', name: 'Cola', priceMinor: 129, taxClass: 'beverage' },
    { sku: 'crisps', name: 'Crisps', priceMinor: 199, taxClass: 'food' },
    { sku: 'dip', name: 'Dip', priceMinor: 250, taxClass: 'food' },
  ].map((c) => [c.sku, c]),
);

describe('priceCart', () => {
  it('applies 3 for 2 and shows it on the line', () => {
    const cfg = PricingConfig.parse({
      promotions: [{ kind: 'multi-buy', id: 'p1', label: '3 for 2', skus: ['cola'], buy: 3, pay: 2 }],
    });
    const r = priceCart([{ sku: 'cola', quantity: 4 }], catalog, cfg, 'EUR');
    expect(r.lines[0]?.discounts).toEqual([{ id: 'p1', label: '3 for 2', amountMinor: 129 }]);
    expect(r.totalMinor).toBe(3 * 129);
    // Inclusive 19 %: 387 − 387/1.19 = 61.79 → 62.
    expect(r.taxMinor).toBe(62);
  });

  it('prices a bundle, a percent-off promotion, a coupon and loyalty points', () => {
    const cfg = PricingConfig.parse({
      promotions: [
        {
          kind: 'bundle',
          id: 'b1',
          label: 'Crisps + dip for 3.99',
          skus: ['crisps', 'dip'],
          priceMinor: 399,
        },
        { kind: 'percent-off', id: 'p2', label: '10 % off cola', skus: ['cola'], percent: 10 },
      ],
    });
    const r = priceCart(
      [
        { sku: 'crisps', quantity: 1 },
        { sku: 'dip', quantity: 1 },
        { sku: 'cola', quantity: 1 },
      ],
      catalog,
      cfg,
      'EUR',
      { coupons: [{ code: 'WELCOME', label: '0.50 off', amountMinor: 50 }], redeemPoints: 20 },
    );
    expect(r.subtotalMinor).toBe(199 + 250 + 129);
    // bundle saves 50, 10 % of 129 = 12.9 → 13, coupon 50, points 20.
    expect(r.discountMinor).toBe(50 + 13 + 50 + 20);
    expect(r.totalMinor).toBe(578 - 133);
    expect(r.loyaltyRedeemedPoints).toBe(20);
    expect(r.lines.flatMap((l) => l.discounts.map((d) => d.id)).sort()).toEqual(
      [
        'b1',
        'b1',
        'coupon:WELCOME',
        'coupon:WELCOME',
        'coupon:WELCOME',
        'loyalty',
        'loyalty',
        'loyalty',
        'p2',
      ].sort(),
    );
  });

  it('adds exclusive tax per line', () => {
    const cfg = PricingConfig.parse({ taxMode: 'exclusive' });
    const r = priceCart([{ sku: 'crisps', quantity: 3 }], catalog, cfg, 'USD');
    expect(r.taxMinor).toBe(Math.round(597 * 0.07));
    expect(r.totalMinor).toBe(597 + 42);
  });

  it('never goes negative and discounts always add up (property)', () => {
    const cfg = PricingConfig.parse({
      promotions: [
        { kind: 'multi-buy', id: 'm', label: '2 for 1', skus: ['cola', 'crisps'], buy: 2, pay: 1 },
        { kind: 'percent-off', id: 'p', label: '50 %', skus: ['crisps', 'dip'], percent: 50 },
        { kind: 'bundle', id: 'b', label: 'bundle', skus: ['cola', 'dip'], priceMinor: 100 },
      ],
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            sku: fc.constantFrom('cola', 'crisps', 'dip'),
            quantity: fc.integer({ min: 1, max: 9 }),
          }),
          { maxLength: 3 },
        ),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 900 }),
        (items, points, coupon) => {
          const uniq = [...new Map(items.map((i) => [i.sku, i])).values()];
          const r = priceCart(uniq, catalog, cfg, 'EUR', {
            redeemPoints: points,
            coupons: coupon > 0 ? [{ code: 'C', label: 'c', amountMinor: coupon }] : [],
          });
          expect(r.totalMinor).toBeGreaterThanOrEqual(0);
          for (const l of r.lines) {
            expect(l.netMinor).toBeGreaterThanOrEqual(0);
            expect(l.grossMinor - l.discounts.reduce((s, d) => s + d.amountMinor, 0)).toBe(l.netMinor);
          }
          expect(r.subtotalMinor - r.discountMinor).toBe(r.totalMinor);
        },
      ),
    );
  });
});
