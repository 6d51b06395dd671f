import { demoStore } from '../../core/store/builtin/demo.ts';
import { parseStoreConfig } from '../../core/store/load-store.ts';
import { StoreModel } from '../../core/store/store-model.ts';

/**
 * A store that is not one we ship: the demo layout with different products, weights and facings,
 * so tests show the engine has no constants tuned to the demo.
 */
export function modifiedStore(): StoreModel {
  const cfg = demoStore();
  cfg.id = 'modified';
  cfg.products = cfg.products.map((p, i) => ({
    ...p,
    sku: `m-${p.sku}`,
    // Different weights: scaled and shifted per product, still positive.
    weight: {
      meanGrams: Math.round(p.weight.meanGrams * (0.7 + (i % 5) * 0.13) + 7),
      sdGrams: p.weight.sdGrams * 1.2,
    },
  }));
  cfg.products.push({
    sku: 'm-item-90',
    name: 'Test item 90 g',
    weight: { meanGrams: 90, sdGrams: 1 },
    priceMinor: 100,
  });
  cfg.planogram = cfg.planogram.map((f, i) => ({
    ...f,
    sku: `m-${f.sku}`,
    units: Math.max(2, Math.floor(f.units * 0.8) + (i % 3)),
  }));
  const first = cfg.planogram[0];
  if (first) first.sku = 'm-item-90';
  return new StoreModel(parseStoreConfig(cfg, 'modified store'));
}
