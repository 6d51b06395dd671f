import type { Rgb } from '../core/messages.ts';
import type { Rng } from './rng.ts';

/**
 * What shoppers wear, as a pose worker sees it: one colour for the torso, one for the legs. The
 * palette is weighted like everyday clothing, so many shoppers look alike (black, grey, navy, denim):
 * colour tells most pairs apart, not all, which is what the tracker must cope with.
 */
export interface Clothing {
  upper: Rgb;
  lower: Rgb;
  /** An open jacket's shirt: what a camera in front of the shopper sees of the torso, half of it. */
  inner?: Rgb;
}

type Palette = ReadonlyArray<readonly [number, Rgb]>;

const UPPER: Palette = [
  [0.18, [30, 30, 32]],
  [0.1, [60, 62, 66]],
  [0.08, [125, 125, 128]],
  [0.12, [225, 225, 220]],
  [0.12, [30, 40, 75]],
  [0.07, [50, 90, 160]],
  [0.05, [140, 170, 210]],
  [0.05, [170, 35, 40]],
  [0.03, [100, 30, 45]],
  [0.04, [50, 100, 60]],
  [0.03, [95, 95, 55]],
  [0.05, [200, 180, 150]],
  [0.03, [100, 70, 50]],
  [0.02, [220, 190, 60]],
  [0.03, [220, 150, 170]],
];

const LOWER: Palette = [
  [0.3, [55, 75, 115]],
  [0.12, [35, 45, 70]],
  [0.25, [30, 30, 32]],
  [0.08, [100, 100, 105]],
  [0.12, [180, 160, 120]],
  [0.06, [35, 40, 65]],
  [0.03, [215, 215, 210]],
  [0.04, [90, 65, 45]],
];

const clamp = (v: number) => Math.max(0, Math.min(255, v));

function draw(rng: Rng, palette: Palette): Rgb {
  let u = rng.next() * palette.reduce((s, [w]) => s + w, 0);
  let pick = (palette[0] as readonly [number, Rgb])[1];
  for (const [w, c] of palette) {
    pick = c;
    u -= w;
    if (u < 0) break;
  }
  // Shades and fabrics of one colour differ: brightness ±15 %, a few levels per channel.
  const b = rng.range(0.85, 1.15);
  return pick.map((v) => clamp(v * b + rng.normal() * 8)) as unknown as Rgb;
}

/** Share of shoppers whose torso looks different from the front (an open jacket over a shirt). */
const OPEN_JACKET = 0.25;

export function drawClothing(rng: Rng): Clothing {
  const upper = draw(rng, UPPER);
  const lower = draw(rng, LOWER);
  return rng.chance(OPEN_JACKET) ? { upper, lower, inner: draw(rng, UPPER) } : { upper, lower };
}

/** The torso colour a camera sees: `front` is the cosine between the body's facing and the camera. */
export function torsoSeen(c: Clothing, front: number): Rgb {
  if (!c.inner || front <= 0) return c.upper;
  const w = 0.5 * front;
  return c.upper.map((v, k) => (1 - w) * v + w * ((c.inner as Rgb)[k] as number)) as unknown as Rgb;
}

/** Floor, shelves and walls behind a shopper: what a body region's pixels are mixed with at its edges. */
const BACKGROUND: Rgb = [120, 115, 105];

/**
 * Per-camera colour rendering and the store's uneven light, fixed for a run: each camera's white
 * balance and exposure are off by a few per cent per channel, the light on the floor varies by ±15 %
 * (shade under shelves, windows by the gates) and from frame to frame by a few per cent more.
 */
export class ClothingView {
  private readonly gains = new Map<string, Rgb>();

  constructor(private readonly rng: Rng) {}

  /**
   * The mean colour a pose worker measures of a region of `colour` worn at (x, y) and seen by camera
   * `camId` at `depth` m: white balance, light, pixel noise, background at the region's edges, and
   * `mix` of an occluding neighbour's `other` colour (what the worker's mask did not exclude).
   */
  observe(camId: string, colour: Rgb, x: number, y: number, depth: number, other?: Rgb, mix = 0): Rgb {
    let g = this.gains.get(camId);
    if (!g) {
      const exposure = 1 + this.rng.normal() * 0.06;
      g = [0, 1, 2].map(() => exposure * (1 + this.rng.normal() * 0.05)) as unknown as Rgb;
      this.gains.set(camId, g);
    }
    const light = (1 + 0.15 * Math.sin(x / 3) * Math.cos(y / 4)) * (1 + this.rng.normal() * 0.06);
    const bg = this.rng.range(0.1, 0.25);
    const sd = 4 + 1.5 * depth;
    return colour.map((v, k) => {
      const seen = (1 - bg - mix) * v + bg * (BACKGROUND[k] as number) + mix * (other?.[k] ?? v);
      return Math.round(clamp(seen * (g[k] as number) * light + this.rng.normal() * sd));
    }) as unknown as Rgb;
  }
}
