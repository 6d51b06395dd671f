import type { PresetName } from './index.ts';

/** Behaviour and sensor parameters of a simulation; presets override the defaults. */
export interface SimParams {
  /** Mean shopper (or group) arrivals per minute; `single` ignores it and admits one at a time. */
  arrivalsPerMinute: number;
  oneAtATime: boolean;
  groupProbability: number;
  /** Shelf visits per shopper. */
  visits: [number, number];
  /** Probability a visit takes 2 or 3 units with both hands. */
  multiUnit: number;
  /** Probability a taken item is put back after inspection, and of that, put on a wrong plate. */
  putBack: number;
  misplaced: number;
  handover: number;
  /** Restrict visits to a few facings of one shelf so shoppers meet there at once. */
  hotShelf: boolean;
  /** Prefer products with a near-identical-weight neighbour. */
  lookalike: boolean;
  faults: boolean;
  /** Probability a batch message is delayed past the next one (out-of-order) or lost. */
  reorder: number;
  loss: number;
  cameraMiss: number;
}

const BASE: SimParams = {
  arrivalsPerMinute: 5,
  oneAtATime: false,
  groupProbability: 0.12,
  visits: [2, 6],
  multiUnit: 0.12,
  putBack: 0.1,
  misplaced: 0.2,
  handover: 0.2,
  hotShelf: false,
  lookalike: false,
  faults: false,
  reorder: 0.002,
  loss: 0.0005,
  cameraMiss: 0.03,
};

export const PRESET_PARAMS: Record<PresetName, SimParams> = {
  single: { ...BASE, oneAtATime: true, groupProbability: 0 },
  busy: { ...BASE, arrivalsPerMinute: 5.5 },
  crowded: { ...BASE, arrivalsPerMinute: 6, hotShelf: true, visits: [2, 4], groupProbability: 0.05 },
  lookalike: { ...BASE, arrivalsPerMinute: 4, lookalike: true },
  returns: {
    ...BASE,
    arrivalsPerMinute: 4,
    putBack: 0.45,
    misplaced: 0.4,
    groupProbability: 0.5,
    handover: 0.6,
  },
  faults: { ...BASE, arrivalsPerMinute: 4, faults: true, loss: 0.003, reorder: 0.01, cameraMiss: 0.08 },
};
