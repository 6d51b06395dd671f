import type { Act } from './busy-hands.ts';
import type { Doubt } from './doubts.ts';
import type { Encounter, EncounterCounters } from './encounters.ts';
import type { ExitWatchState } from './exit-inference.ts';
import type { BirthSlot } from './gate-binding.ts';
import type { SessionRecord, WaitingPassage } from './session-registry.ts';
import type { Track } from './track-manager.ts';

/** A session whose last member walked out; `doubt` says why that may have been someone else. */
export interface PendingExit {
  t: number;
  sessionId: string;
  doubt?: string;
}

/**
 * Everything the tracker needs to resume after a crash, as the engine stores it in SQLite. It is
 * our own snapshot (JSON written by the tracker itself), so fields added later are optional.
 */
export interface TrackerSnapshot {
  sessions: SessionRecord[];
  unscanned: number;
  waitingPassages?: WaitingPassage[];
  tracks: Track[];
  nextId: number;
  pendingExits: PendingExit[];
  exitDoubts?: Record<string, string>;
  birthSlots: BirthSlot[];
  exitWatch?: ExitWatchState;
  cameraLast: Record<string, number>;
  cameraDown: Record<string, boolean>;
  clock: number;
  lastContestCheck?: number;
  encounters?: Encounter[];
  doubts?: Doubt[];
  encounterCounters?: EncounterCounters;
  busyHands?: Act[];
  c: {
    unknownGate: number;
    exitsWithoutTrack: number;
    /** Exits the cameras saw and the door did not report (absent in older snapshots: 0). */
    exitsFromCameras: number;
    /** Scans with no passage from the door, one shopper assumed in (absent in older snapshots: 0). */
    entriesWithoutPassage: number;
    clockBackwards: number;
    cameraBackwards: number;
    cameraDown: number;
  };
}
