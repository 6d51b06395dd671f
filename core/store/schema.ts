import { z } from 'zod';

/**
 * The store file a store operator writes. One store frame in metres: x and y span the floor
 * (x to the right of the entrance, y into the store), z points up, the floor is z = 0.
 * Every object is strict: unknown keys are errors, so typos never silently fall back to defaults.
 */

const id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, { error: 'must contain only letters, digits, "_", ".", ":" or "-"' });
const metres = z.number().finite();
export const Vec3 = z.tuple([metres, metres, metres]).describe('[x, y, z] in metres, store frame');
export const Vec2 = z.tuple([metres, metres]).describe('[x, y] in metres on the floor');
export type Vec3 = z.infer<typeof Vec3>;
export type Vec2 = z.infer<typeof Vec2>;

export const Box3 = z
  .strictObject({ min: Vec3, max: Vec3 })
  .describe('Axis-aligned box, min corner and max corner');
export const Rect = z.strictObject({ min: Vec2, max: Vec2 }).describe('Axis-aligned floor rectangle');
export type Box3 = z.infer<typeof Box3>;
export type Rect = z.infer<typeof Rect>;

export const PlateConfig = z.strictObject({
  id: id.describe('Unique plate id, e.g. "g1.s2.p3"'),
  box: Box3.describe('Volume the plate carries: its top surface up to the shelf above'),
  capacityGrams: z.number().positive().describe('Load-cell rated capacity in grams'),
  controller: z
    .strictObject({
      id: id.describe('Shelf-controller id (see docs/shelf-protocol.md)'),
      channel: z.number().int().min(0).max(15).describe('ADC channel on that controller'),
    })
    .describe('The shelf controller and channel that read this plate'),
  noiseGrams: z
    .number()
    .nonnegative()
    .optional()
    .describe('Expected white-noise RMS in grams, informational (the edge estimates noise online)'),
});
export type PlateConfig = z.infer<typeof PlateConfig>;

export const ShelfConfig = z.strictObject({
  id,
  plates: z.array(PlateConfig).min(1).describe('Plates left to right; neighbours in this list are adjacent'),
});
export type ShelfConfig = z.infer<typeof ShelfConfig>;

export const GondolaConfig = z.strictObject({
  id,
  name: z.string().optional(),
  footprint: Rect.describe('Floor area the gondola occupies; shoppers cannot walk through it'),
  shelves: z.array(ShelfConfig).min(1).describe('Shelves bottom to top'),
});
export type GondolaConfig = z.infer<typeof GondolaConfig>;

export const ZoneConfig = z.strictObject({
  id,
  kind: z.enum(['entry', 'exit', 'aisle']),
  area: Rect,
});
export type ZoneConfig = z.infer<typeof ZoneConfig>;

export const ObstacleConfig = z.strictObject({
  id,
  area: Rect.describe('Walls, counters, fridges: anything shoppers cannot walk through'),
  height: z
    .number()
    .positive()
    .default(2.5)
    .describe('Height in metres (occludes cameras up to this height)'),
});
export type ObstacleConfig = z.infer<typeof ObstacleConfig>;

export const ProductConfig = z.strictObject({
  sku: id,
  name: z.string().min(1),
  weight: z.strictObject({
    meanGrams: z.number().positive().describe('Mean unit weight in grams'),
    sdGrams: z.number().nonnegative().describe('Standard deviation of unit weight in grams'),
  }),
  priceMinor: z.number().int().nonnegative().describe('Unit price in minor units (cents)'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as "EUR"' })
    .optional()
    .describe("Defaults to the store's currency"),
  taxClass: z.string().min(1).default('standard').describe('Tax class used by cloud pricing'),
});
export type ProductConfig = z.infer<typeof ProductConfig>;

export const FacingConfig = z.strictObject({
  sku: id,
  plates: z.array(id).min(1).max(3).describe('1-3 adjacent plates of one shelf that hold this facing'),
  units: z.number().int().nonnegative().describe('Units stocked at the start of the day'),
});
export type FacingConfig = z.infer<typeof FacingConfig>;

export const CameraConfig = z.strictObject({
  id,
  resolution: z
    .tuple([z.number().int().positive(), z.number().int().positive()])
    .describe('[width, height] in pixels'),
  fps: z.number().positive().max(120),
  intrinsics: z.strictObject({
    fx: z.number().positive(),
    fy: z.number().positive(),
    cx: z.number(),
    cy: z.number(),
    distortion: z
      .array(z.number().finite())
      .max(5)
      .default([])
      .describe('OpenCV Brown-Conrady [k1, k2, p1, p2, k3]; missing terms are 0'),
  }),
  pose: z
    .strictObject({
      position: Vec3.describe('Camera centre in the store frame'),
      lookAt: Vec3.describe('A point the optical axis passes through'),
      up: Vec3.default([0, 1, 0]).describe('Store direction that appears as "up" in the image'),
    })
    .describe('Extrinsics given as a look-at pose'),
  rtspUrl: z
    .url({ protocol: /^rtsps?$/, error: 'must be an rtsp:// or rtsps:// URL' })
    .optional()
    .describe('RTSP stream of this camera: dashboard previews and evidence snapshots (absent = none)'),
});
export type CameraConfig = z.infer<typeof CameraConfig>;

export const GateConfig = z.strictObject({
  id,
  kind: z.enum(['entry', 'exit']),
  zone: id.describe('The entry or exit zone this gate opens into'),
  line: z.tuple([Vec2, Vec2]).describe('The floor segment a shopper crosses at this gate'),
});
export type GateConfig = z.infer<typeof GateConfig>;

export const StoreConfigBase = z.strictObject({
  formatVersion: z.literal(1).describe('Store file format version'),
  id: id.describe('Store id, shared with the cloud'),
  name: z.string().min(1),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as "EUR"' }),
  timezone: z.string().default('UTC'),
  floor: z.strictObject({
    width: z.number().positive(),
    depth: z.number().positive(),
    height: z.number().positive(),
  }),
  gondolas: z.array(GondolaConfig).min(1),
  zones: z.array(ZoneConfig).min(2),
  obstacles: z.array(ObstacleConfig).default([]),
  products: z.array(ProductConfig).min(1),
  planogram: z.array(FacingConfig).min(1),
  cameras: z.array(CameraConfig).default([]),
  gates: z.array(GateConfig).min(2),
});
export type StoreConfigInput = z.input<typeof StoreConfigBase>;
