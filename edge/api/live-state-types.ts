import type { ShelfEvent } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';

export interface SessionView {
  sessionId: string;
  /** Only the first characters of the entry token: enough to tell sessions apart, useless to replay. */
  tokenHint: string;
  state: string;
  members: number;
  enteredAt: number;
  lastT: number;
  confidence: number;
  lines: Array<{ sku: string; name: string; quantity: number }>;
  eventIds: string[];
  receipt: Receipt | null;
  released: boolean;
}

export interface EventView extends ShelfEvent {
  /** Weight trace of each plate around the event: [t, grams] (means of sample batches). */
  traces: Record<string, Array<[number, number]>>;
}

export type Change = 'sessions' | 'review' | 'alerts' | 'inventory' | 'cameras';

export interface CameraStatusView {
  status: 'up' | 'degraded' | 'down';
  detail?: string;
  t: number;
}

/** How long the dashboard remembers what it no longer needs to show live (wall-clock ms, counts). */
export interface RetentionOptions {
  /** Settled (charged, or released after review) sessions kept at most this many (default 1000). */
  maxSettled?: number;
  /** …and at most this long after settling (default 1 h); the SQLite audit log keeps decisions. */
  settledMs?: number;
  /** Shelf events owned by no kept session (default 2000 newest). */
  maxOrphanEvents?: number;
  /** Sessions without a receipt and without news for this long are presumed lost (default 24 h). */
  staleOpenMs?: number;
  now?: () => number;
}

export interface LiveListener {
  tracks(u: {
    t: number;
    tracks: Array<{ trackId: string; sessionId: string | null; trail: Array<[number, number]> }>;
  }): void;
  flash(plates: string[]): void;
  changed(what: Change): void;
}

/** One planogram facing as the dashboard shows it: stock now (from plate weights) against stocked. */
export interface InventoryView {
  sku: string;
  name: string;
  plates: string[];
  grams: number;
  units: number;
  stocked: number;
}
