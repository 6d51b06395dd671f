import type { EventView, RetentionOptions, SessionView } from './live-state-types.ts';

/**
 * Keeps the live state's memory bounded: forgets settled sessions past the count cap or age limit,
 * sessions lost without a receipt, and the oldest shelf events no kept session owns. It deletes
 * from the live state's own session and event maps.
 */
export class LiveRetention {
  /** Settled session → when it settled (insertion order = settle order, oldest first). */
  private readonly settledAt = new Map<string, number>();
  /** Events no kept session owns (yet), oldest first. */
  private readonly orphanEvents = new Set<string>();
  /** Session → wall-clock time of its last message (finds sessions lost without a receipt). */
  private readonly touchedAt = new Map<string, number>();
  /** Recently dropped sessions: a late update for one must not bring it back as a new session. */
  private readonly dropped = new Set<string>();
  private readonly retention: Required<RetentionOptions>;

  constructor(
    private readonly sessions: Map<string, SessionView>,
    private readonly events: Map<string, EventView>,
    retention: RetentionOptions,
  ) {
    this.retention = {
      maxSettled: retention.maxSettled ?? 1000,
      settledMs: retention.settledMs ?? 3_600_000,
      maxOrphanEvents: retention.maxOrphanEvents ?? 2000,
      staleOpenMs: retention.staleOpenMs ?? 24 * 3_600_000,
      now: retention.now ?? Date.now,
    };
  }

  wasDropped(sessionId: string): boolean {
    return this.dropped.has(sessionId);
  }

  /** News from an open session: it moves to the newest end of the staleness order. */
  touch(sessionId: string): void {
    this.touchedAt.delete(sessionId);
    this.touchedAt.set(sessionId, this.retention.now());
  }

  /** A receipt claimed the event for its session: it is no longer an orphan. */
  claimEvent(eventId: string): void {
    this.orphanEvents.delete(eventId);
  }

  sizes(): { settled: number; orphanEvents: number } {
    return { settled: this.settledAt.size, orphanEvents: this.orphanEvents.size };
  }

  settle(sessionId: string): void {
    this.settledAt.delete(sessionId);
    this.settledAt.set(sessionId, this.retention.now());
    this.touchedAt.delete(sessionId);
    this.prune();
  }

  adoptOrphan(eventId: string): void {
    this.orphanEvents.add(eventId);
    for (const id of this.orphanEvents) {
      if (this.orphanEvents.size <= this.retention.maxOrphanEvents) break;
      this.orphanEvents.delete(id);
      this.events.delete(id);
    }
  }

  /** Drops the oldest settled sessions (and their events) past the count cap or the age limit. */
  private prune(): void {
    const now = this.retention.now();
    const cutoff = now - this.retention.settledMs;
    for (const [id, at] of this.settledAt) {
      if (this.settledAt.size <= this.retention.maxSettled && at >= cutoff) break;
      this.settledAt.delete(id);
      this.drop(id);
    }
    const stale = now - this.retention.staleOpenMs;
    for (const [id, at] of this.touchedAt) {
      if (at >= stale) break;
      this.touchedAt.delete(id);
      if (!this.sessions.get(id)?.receipt) this.drop(id);
    }
  }

  private drop(sessionId: string): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    for (const e of s.eventIds) {
      this.events.delete(e);
      this.orphanEvents.delete(e);
    }
    this.sessions.delete(sessionId);
    this.dropped.add(sessionId);
    for (const id of this.dropped) {
      if (this.dropped.size <= this.retention.maxSettled) break;
      this.dropped.delete(id);
    }
  }
}
