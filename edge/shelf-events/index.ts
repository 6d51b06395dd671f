import type { DeviceStatus, ShelfSamples } from '../../core/messages.ts';
import type { PlateCounters, PlateDetectorState, PlateNotice } from './plate-detector.ts';

/**
 * Shelf events ("what changed where"): per-plate stable-state detection, then the changes of 1-3
 * adjacent plates that overlap in time are merged into one interaction. Driven by message time only.
 */

/** One detected interaction before item inference and association. */
export interface ShelfEventDraft {
  /** Derived from the inputs (first plate and start time), so replays give identical ids. */
  id: string;
  shelfId: string;
  t0: number;
  t1: number;
  plates: Array<{
    plateId: string;
    deltaGrams: number;
    seGrams: number;
    t0: number;
    t1: number;
    fault?: string;
  }>;
  deltaGrams: number;
  /** Standard error of `deltaGrams` from the plates' noise estimates. */
  seGrams: number;
  /** Set when a plate of the event was faulted during it: the weight change cannot be trusted. */
  fault?: string;
}

export interface ShelfEventDetectorState {
  plates: PlateDetectorState[];
}

export interface ShelfEventDetector {
  /** Returns false for an unknown plate (the caller counts and logs it). */
  onSamples(m: ShelfSamples, receivedAt: number): boolean;
  onDeviceStatus(m: DeviceStatus, notices: PlateNotice[]): void;
  /** Processes samples up to `clock - reorderMs` and returns the interactions that are complete. */
  /** `silence: false` while the clock is moved on after the input ended (no plate is silent then). */
  advance(clock: number, opts?: { silence?: boolean }): { events: ShelfEventDraft[]; notices: PlateNotice[] };
  /** Start of the earliest interaction not yet emitted (active or holding), or null. */
  pendingSince(): number | null;
  /** Every healthy plate has been processed up to this time (null before any data). */
  processedUntil(): number | null;
  /** Plates currently faulted, with since/reason. */
  faults(): Array<{ plateId: string; since: number; reason: string }>;
  counters(): PlateCounters;
  exportState(): ShelfEventDetectorState;
  importState(state: ShelfEventDetectorState): void;
}

export { ShelfEventConfig } from './config.ts';
export type { PlateCounters, PlateNotice, PlateSegment } from './plate-detector.ts';
export { PlateDetector } from './plate-detector.ts';
export { createShelfEventDetector } from './shelf-event-detector.ts';
