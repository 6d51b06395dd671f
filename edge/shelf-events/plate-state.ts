/** Plain-JSON state of one plate's detector (snapshotted for crash recovery) and what it reports. */

/** A settled change of one plate: the level before the interaction and the level once quiet again. */
export interface PlateSegment {
  plateId: string;
  /** First disturbed sample. */
  tStart: number;
  /** Start of the quiet window that ended the interaction; null while still active. */
  tEnd: number | null;
  before: number;
  /** Level after; null until settled, then refined until the next segment of this plate starts. */
  after: number | null;
  /** Set once a later segment fixed `after`; otherwise `after` follows the live baseline. */
  afterFinal: boolean;
  /** Noise sigma of the plate when the segment closed (for significance tests). */
  sigma: number;
  /** Samples behind the before / after estimates. */
  nBefore: number;
  nAfter: number;
  /** Why the segment cannot be trusted (plate faulted during it), if so. */
  fault?: string;
}

export interface Batch {
  seq: number;
  t0: number;
  periodMs: number;
  grams: Array<number | null>;
}

export interface PlateCounters {
  invalid: number;
  late: number;
  backwards: number;
  duplicates: number;
  gaps: number;
}

/** Plain-JSON state so the engine can snapshot it for crash recovery. */
export interface PlateDetectorState {
  plateId: string;
  pending: Batch[];
  /** Highest batch sequence number seen (gaps count lost batches). */
  lastSeq: number | null;
  /** Running sum of `ring`. */
  ringSum: number;
  lastT: number | null;
  lastReceivedAt: number | null;
  /** Time of the newest sample received (processed or not). */
  newestEnd: number | null;
  /** Invalid readings since the last valid one. */
  invalidRun: number;
  /**
   * Since when the readings have been exactly the value of `frozenValue`. Optional: snapshots written
   * before frozen plates were detected lack them.
   */
  frozenSince?: number | null;
  frozenValue?: number | null;
  mode: 'stable' | 'active';
  baseline: number | null;
  nStable: number;
  variance: number;
  nNoise: number;
  prevX: number | null;
  ring: number[];
  ringT: number[];
  win: number[];
  winT: number[];
  activeSince: number | null;
  fault: { since: number; reason: string } | null;
  /** Set after a fault ends: the next segment carries it. */
  faultCarry: string | null;
  segments: PlateSegment[];
  counters: PlateCounters;
}

export type PlateNotice =
  | { kind: 'fault'; plateId: string; t: number; reason: string }
  | { kind: 'recovered'; plateId: string; t: number };

/** A plate that has seen nothing yet. */
export function initialPlateState(plateId: string, initialNoiseGrams: number): PlateDetectorState {
  return {
    plateId,
    pending: [],
    lastSeq: null,
    ringSum: 0,
    lastT: null,
    lastReceivedAt: null,
    invalidRun: 0,
    frozenSince: null,
    frozenValue: null,
    newestEnd: null,
    mode: 'stable',
    baseline: null,
    nStable: 0,
    variance: initialNoiseGrams ** 2,
    nNoise: 0,
    prevX: null,
    ring: [],
    ringT: [],
    win: [],
    winT: [],
    activeSince: null,
    fault: null,
    faultCarry: null,
    segments: [],
    counters: { invalid: 0, late: 0, backwards: 0, duplicates: 0, gaps: 0 },
  };
}
