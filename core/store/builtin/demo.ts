import type { StoreConfigInput } from '../schema.ts';

/**
 * The `demo` store: 12 m × 10 m, four single-sided gondolas (5 shelves × 10 plates of 0.4 m) facing
 * aisles on their −x side, 10 ceiling cameras with overlapping views (two of them in the front corners,
 * over the gates), entry front-left, exit front-right.
 * Built in code so the geometry stays consistent; `walkout stores --export demo` prints it as YAML.
 */

// [sku, name, mean g, sd g, price cents, tax class]. Weights are gross (packaging included).
const PRODUCTS: Array<[string, string, number, number, number, string]> = [
  ['cola-330', 'Cola can 330 ml', 350, 1.5, 129, 'beverage'],
  ['lemon-330', 'Lemon soda can 330 ml', 352, 1.5, 129, 'beverage'],
  ['water-500', 'Still water 500 ml', 521, 3, 89, 'beverage'],
  ['water-1500', 'Still water 1.5 l', 1548, 6, 119, 'beverage'],
  ['spark-750', 'Sparkling water 750 ml', 792, 5, 109, 'beverage'],
  ['oj-1000', 'Orange juice 1 l', 1090, 6, 249, 'beverage'],
  ['aj-1000', 'Apple juice 1 l', 1086, 6, 229, 'beverage'],
  ['energy-250', 'Energy drink 250 ml', 276, 1.2, 179, 'beverage'],
  ['icetea-500', 'Iced tea 500 ml', 541, 3, 139, 'beverage'],
  ['beer-500', 'Lager can 500 ml', 530, 2.5, 149, 'alcohol'],
  ['cider-500', 'Cider can 500 ml', 532, 2.5, 169, 'alcohol'],
  ['coldbrew-250', 'Cold brew coffee 250 ml', 298, 2, 289, 'beverage'],
  ['crisps-salt', 'Crisps salted 150 g', 161, 2.5, 199, 'food'],
  ['crisps-paprika', 'Crisps paprika 150 g', 162, 2.5, 199, 'food'],
  ['tortilla', 'Tortilla chips 200 g', 214, 3, 219, 'food'],
  ['pretzels', 'Pretzels 250 g', 262, 3, 159, 'food'],
  ['popcorn', 'Popcorn 90 g', 98, 1.5, 149, 'food'],
  ['peanuts', 'Salted peanuts 200 g', 212, 2.5, 229, 'food'],
  ['choc-milk', 'Milk chocolate 100 g', 104, 1, 149, 'food'],
  ['choc-dark', 'Dark chocolate 100 g', 105, 1, 169, 'food'],
  ['choc-hazel', 'Hazelnut chocolate 100 g', 106, 1, 169, 'food'],
  ['bar-granola', 'Granola bar 40 g', 43, 0.8, 79, 'food'],
  ['bar-protein', 'Protein bar 60 g', 64, 0.8, 249, 'food'],
  ['gum-mint', 'Mint gum 30 g', 34, 0.5, 129, 'food'],
  ['biscuits', 'Butter biscuits 200 g', 226, 3, 189, 'food'],
  ['cookies', 'Chocolate cookies 225 g', 247, 3, 259, 'food'],
  ['wafers', 'Wafers 150 g', 164, 2, 139, 'food'],
  ['pasta-spag', 'Spaghetti 500 g', 512, 4, 149, 'food'],
  ['pasta-penne', 'Penne 500 g', 514, 4, 149, 'food'],
  ['rice-1000', 'Basmati rice 1 kg', 1021, 6, 299, 'food'],
  ['sauce-tomato', 'Tomato sauce jar 400 g', 598, 5, 229, 'food'],
  ['pesto', 'Pesto jar 190 g', 336, 3, 289, 'food'],
  ['tuna', 'Tuna can 160 g', 186, 2, 199, 'food'],
  ['beans', 'Baked beans can 400 g', 468, 3, 119, 'food'],
  ['corn', 'Sweet corn can 300 g', 362, 3, 109, 'food'],
  ['chickpeas', 'Chickpeas can 400 g', 466, 3, 99, 'food'],
  ['soup-tomato', 'Tomato soup can 400 g', 471, 3, 169, 'food'],
  ['coffee-ground', 'Ground coffee 250 g', 268, 3, 499, 'food'],
  ['coffee-beans', 'Coffee beans 500 g', 522, 4, 899, 'food'],
  ['tea-black', 'Black tea 40 bags', 95, 1.5, 249, 'food'],
  ['tea-green', 'Green tea 20 bags', 47, 1, 229, 'food'],
  ['cereal-corn', 'Corn flakes 375 g', 421, 4, 299, 'food'],
  ['cereal-muesli', 'Muesli 500 g', 548, 5, 349, 'food'],
  ['oats', 'Rolled oats 500 g', 519, 4, 129, 'food'],
  ['sugar', 'Sugar 1 kg', 1008, 5, 119, 'food'],
  ['flour', 'Wheat flour 1 kg', 1013, 6, 99, 'food'],
  ['oil-olive', 'Olive oil 500 ml', 918, 6, 699, 'food'],
  ['honey', 'Honey jar 250 g', 362, 3, 449, 'food'],
  ['pb', 'Peanut butter 350 g', 461, 4, 349, 'food'],
  ['jam', 'Strawberry jam 340 g', 478, 4, 259, 'food'],
  ['salt', 'Sea salt 500 g', 532, 3, 79, 'food'],
  ['pepper', 'Black pepper 50 g', 118, 1.5, 289, 'food'],
  ['toothpaste', 'Toothpaste 75 ml', 112, 1.5, 199, 'household'],
  ['shampoo', 'Shampoo 250 ml', 291, 3, 399, 'household'],
  ['shower-gel', 'Shower gel 250 ml', 289, 3, 299, 'household'],
  ['soap', 'Hand soap bar 100 g', 112, 1.5, 149, 'household'],
  ['tissues', 'Pocket tissues 10 pack', 92, 1.5, 129, 'household'],
  ['batteries-aa', 'AA batteries 4 pack', 104, 1, 549, 'household'],
  ['dish-soap', 'Dish soap 500 ml', 558, 4, 229, 'household'],
  ['paper-towel', 'Paper towels 2 rolls', 334, 6, 279, 'household'],
  ['sponges', 'Sponges 3 pack', 41, 0.8, 149, 'household'],
  ['wipes', 'Wet wipes 72', 392, 4, 249, 'household'],
  ['lip-balm', 'Lip balm', 11, 0.3, 299, 'household'],
  ['plasters', 'Plasters 20 pack', 28, 0.5, 299, 'household'],
];

// Plate widths of the facings along one 10-plate shelf; each pattern sums to 10.
const SHELF_PATTERNS = [
  [3, 2, 2, 3],
  [2, 2, 1, 2, 3],
  [1, 2, 2, 2, 1, 2],
  [2, 3, 2, 1, 2],
];

const r = (v: number) => Math.round(v * 1000) / 1000;

export function demoStore(): StoreConfigInput {
  const gondolaXs = [2.0, 4.6, 7.2, 9.8];
  const shelfZs = [0.15, 0.55, 0.95, 1.35, 1.75];
  const plateWidth = 0.4;
  const y0 = 3.0;
  let productCursor = 0;
  let controllerSeq = 0;
  const planogram: StoreConfigInput['planogram'] = [];
  const gondolas: StoreConfigInput['gondolas'] = gondolaXs.map((gx, gi) => ({
    id: `g${gi + 1}`,
    name: `Gondola ${gi + 1}`,
    footprint: { min: [gx, y0 - 0.05], max: [r(gx + 0.6), r(y0 + 10 * plateWidth + 0.05)] },
    shelves: shelfZs.map((z, si) => {
      // One 16-channel controller per shelf: 10 plates on channels 0-9.
      const controllerId = `sc-${String(++controllerSeq).padStart(2, '0')}`;
      const plates = Array.from({ length: 10 }, (_, pi) => ({
        id: `g${gi + 1}.s${si + 1}.p${pi + 1}`,
        box: {
          min: [gx, r(y0 + pi * plateWidth), z] as [number, number, number],
          max: [r(gx + 0.5), r(y0 + (pi + 1) * plateWidth), r(z + 0.36)] as [number, number, number],
        },
        capacityGrams: 15000,
        controller: { id: controllerId, channel: pi },
        // A few worse plates (older load cells) as seen in real shelf data.
        noiseGrams: (gi * 50 + si * 10 + pi) % 17 === 0 ? 3.5 : 0.5 + ((gi + si + pi) % 4) * 0.15,
      }));
      const pattern = SHELF_PATTERNS[(gi * 5 + si) % SHELF_PATTERNS.length] ?? [10];
      let pi = 0;
      for (const width of pattern) {
        const product = PRODUCTS[productCursor++ % PRODUCTS.length];
        if (!product) break;
        const ids = plates.slice(pi, pi + width).map((p) => p.id);
        const maxUnits = Math.floor((width * 15000 * 0.6) / product[2]);
        planogram.push({ sku: product[0], plates: ids, units: Math.max(2, Math.min(24 * width, maxUnits)) });
        pi += width;
      }
      return { id: `g${gi + 1}.s${si + 1}`, plates };
    }),
  }));

  const cameras: StoreConfigInput['cameras'] = [];
  for (const [ci, [x, y, lx, ly]] of [
    [1.6, 3.2],
    [4.2, 3.2],
    [6.8, 3.2],
    [9.4, 3.2],
    [1.6, 7.2],
    [4.2, 7.2],
    [6.8, 7.2],
    [9.4, 7.2],
    // Over the entry and the exit: shoppers are bound to their session there, often two or three
    // close together, and the cameras above the aisles see the gates only from 8-9 m away, so no
    // two views measured anyone's height there. With these two, busy went from 69.6 % to 76.6 %
    // exact receipts (4 seeds × 10 min); test/fixtures/stores/demo-8-cameras.yaml keeps the layout
    // without them.
    [0.3, 0.3, 2.5, 3],
    [11.7, 0.3, 9.5, 3],
  ].entries()) {
    cameras.push({
      id: `cam${ci + 1}`,
      resolution: [1280, 720],
      fps: 10,
      // Wide-angle lenses (~110° × 79°): every aisle point is seen by 2+ cameras, both gates by 2+.
      intrinsics: { fx: 440, fy: 440, cx: 640, cy: 360, distortion: [-0.08, 0.015, 0, 0, 0] },
      // Ceiling mounted at 3.2 m, tilted slightly towards the store centre so views overlap; the
      // corner ones look along the front of the store.
      pose: {
        position: [x ?? 0, y ?? 0, 3.2],
        lookAt: [lx ?? r(((x ?? 0) + 6) / 2), ly ?? r(((y ?? 0) + 5) / 2), 0],
        up: [0, 1, 0],
      },
    });
  }

  return {
    formatVersion: 1,
    id: 'demo',
    name: 'Walkout demo store',
    currency: 'EUR',
    timezone: 'Europe/Berlin',
    floor: { width: 12, depth: 10, height: 3.5 },
    gondolas,
    zones: [
      { id: 'entry', kind: 'entry', area: { min: [0.2, 0], max: [1.8, 1.5] } },
      { id: 'exit', kind: 'exit', area: { min: [10.2, 0], max: [11.8, 1.5] } },
      { id: 'floor', kind: 'aisle', area: { min: [0, 1.5], max: [12, 10] } },
    ],
    obstacles: [{ id: 'promo-table', area: { min: [5.4, 1.6], max: [6.4, 2.2] }, height: 0.9 }],
    products: PRODUCTS.map(([sku, name, mean, sd, price, taxClass]) => ({
      sku,
      name,
      weight: { meanGrams: mean, sdGrams: sd },
      priceMinor: price,
      taxClass,
    })),
    planogram,
    cameras,
    gates: [
      {
        id: 'gate-in',
        kind: 'entry',
        zone: 'entry',
        line: [
          [0.2, 1.0],
          [1.8, 1.0],
        ],
      },
      {
        id: 'gate-out',
        kind: 'exit',
        zone: 'exit',
        line: [
          [10.2, 1.0],
          [11.8, 1.0],
        ],
      },
    ],
  };
}
