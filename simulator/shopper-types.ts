import type { V3 } from '../core/geometry/camera-model.ts';
import type { TruthEvent } from '../core/receipt.ts';
import type { GateConfig } from '../core/store/schema.ts';
import type { StoreModel } from '../core/store/store-model.ts';
import type { PlateSensor } from './load-cells.ts';
import type { SimParams } from './presets.ts';
import type { Rng } from './rng.ts';
import type { Shopper } from './shoppers.ts';
import type { WalkGrid } from './walk-grid.ts';

/** One scan at the entry: a shopper alone or a group of 2-4 sharing one cart. */
export interface Session {
  token: string;
  scanAt: number;
  members: Shopper[];
  exited: number;
  cart: Map<string, number>;
}

export interface Held {
  sku: string;
  weight: number;
  plateId: string;
}

export type Step =
  | {
      k: 'walk';
      to: [number, number];
      path?: Array<[number, number]>;
      gate?: 'in' | 'out';
      personalSpace?: boolean;
      waitingSince?: number;
      sidestepAt?: number;
    }
  | { k: 'pause'; ms: number; until?: number; face?: [number, number] }
  | { k: 'take'; plateId: string; count: number; phase?: Interaction }
  | { k: 'return'; plateId: string; phase?: Interaction }
  | { k: 'handover' };

export interface Interaction {
  tIn: number;
  tOut: number;
  lifts: number[];
  done: number;
  plates: Array<{ plateId: string; deltaGrams: number }>;
  touched: string[];
  hand: 'left' | 'right';
  target: V3;
}

/** World services a shopper acts on. */
export interface World {
  store: StoreModel;
  grid: WalkGrid;
  plates: Map<string, PlateSensor>;
  stock: Map<string, number>;
  rng: Rng;
  params: SimParams;
  truth(e: TruthEvent): void;
  passage(gate: GateConfig, t: number): void;
  /** Shoppers in the store, for personal space at shelves. */
  others(): readonly Shopper[];
}
