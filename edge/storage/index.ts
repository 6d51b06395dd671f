import type { ShelfEvent } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';

/**
 * Durable event store of the edge: the inputs' summaries, every decision, shelf events, receipts and
 * engine snapshots. Receipts commit at once (so a receipt is published exactly once across crashes);
 * everything else commits atomically with the next snapshot, and is re-derived from the inputs after
 * a crash because the engine is deterministic.
 */
export interface Checkpoint {
  /** Input messages consumed when the snapshot was taken. */
  position: number;
  clock: number;
  state: unknown;
}

export interface EventStore {
  readonly path: string;
  /**
   * Whether a later process can resume from it. An in-memory store cannot, so engine snapshots are
   * not taken there (they were a twentieth of replay time); inputs and decisions are still logged.
   */
  readonly resumable: boolean;
  /** Binds the store to one input source (a recording's identity, or a store id for live). */
  bindSource(sourceId: string): void;
  loadCheckpoint(): Checkpoint | null;
  logInputs(position: number, clock: number, summary: Record<string, unknown>): void;
  logDecision(id: string, kind: string, data: unknown): void;
  logEvent(ev: ShelfEvent): void;
  /** Replaces a logged event by its later state (a held event settled); same id. */
  updateEvent(ev: ShelfEvent): void;
  /** Commits a receipt now; false when that session already had one (a replay after a crash). */
  commitReceipt(r: Receipt): boolean;
  checkpoint(cp: Checkpoint): void;
  receipts(): Receipt[];
  events(): ShelfEvent[];
  counts(): { events: number; receipts: number; decisions: number; inputs: number };
  close(): void;
}

export { StorageError } from './errors.ts';
export { openEventStore } from './sqlite-event-store.ts';
