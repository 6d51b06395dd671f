import type { Alert, ShelfEvent, ShelfSamples, TracksUpdate } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { Bus } from '../bus/index.ts';

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

const TRAIL = 24;
const TRACE_MS = 30_000;
const LOW_STOCK_FRACTION = 0.2;

/**
 * The dashboard's view of the store, built only from bus messages: sessions, tracks with trails,
 * shelf events with their weight traces, receipts awaiting review, alerts and inventory.
 */
export class LiveState {
  readonly sessions = new Map<string, SessionView>();
  readonly events = new Map<string, EventView>();
  readonly alerts: Array<Alert & { id: number }> = [];
  private readonly trails = new Map<string, Array<[number, number]>>();
  private readonly traces = new Map<string, Array<[number, number]>>();
  readonly plateGrams = new Map<string, number>();
  private readonly lowStockAlerted = new Set<string>();
  private readonly listeners = new Set<LiveListener>();
  private readonly unsubs: Array<() => void> = [];
  private alertSeq = 0;
  readonly cameraStatus = new Map<string, CameraStatusView>();
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
    readonly store: StoreModel,
    bus: Bus,
    /** Releases on record (the SQLite table, or a Set in tests). */
    private readonly released: { has(sessionId: string): boolean; add(sessionId: string): unknown },
    retention: RetentionOptions = {},
  ) {
    this.retention = {
      maxSettled: retention.maxSettled ?? 1000,
      settledMs: retention.settledMs ?? 3_600_000,
      maxOrphanEvents: retention.maxOrphanEvents ?? 2000,
      staleOpenMs: retention.staleOpenMs ?? 24 * 3_600_000,
      now: retention.now ?? Date.now,
    };
    this.unsubs.push(
      bus.subscribe('edge.tracks', (m) => this.onTracks(m)),
      bus.subscribe('edge.session', (m) => {
        if (this.dropped.has(m.sessionId)) return;
        const s = this.session(m.sessionId, m.token, m.t);
        s.state = m.state;
        s.members = m.members;
        s.lastT = m.t;
        this.touchedAt.delete(m.sessionId);
        this.touchedAt.set(m.sessionId, this.retention.now());
        this.emit('sessions');
      }),
      bus.subscribe('edge.shelf-event', (m) => this.onShelfEvent(m)),
      bus.subscribe('edge.receipt', (m) => this.onReceipt(m)),
      bus.subscribe('edge.alert', (m) => this.addAlert(m)),
      bus.subscribe('shelf.samples', (m) => this.onSamples(m)),
      bus.subscribe('device.status', (m) => {
        if (m.kind === 'camera') {
          this.cameraStatus.set(m.deviceId, {
            status: m.status,
            t: m.t,
            ...(m.detail ? { detail: m.detail } : {}),
          });
          this.emit('cameras');
        }
        if (m.status === 'up') return;
        this.addAlert({
          t: m.t,
          kind: m.kind === 'camera' ? 'camera-down' : 'sensor-fault',
          severity: m.status === 'down' ? 'critical' : 'warning',
          message: `${m.kind} ${m.deviceId} is ${m.status}${m.detail ? `: ${m.detail}` : ''}`,
          ref: m.deviceId,
        });
      }),
    );
  }

  listen(l: LiveListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  close(): void {
    for (const u of this.unsubs) u();
    this.listeners.clear();
  }

  reviewQueue(): SessionView[] {
    return [...this.sessions.values()].filter((s) => s.receipt?.status === 'review' && !s.released);
  }

  markReleased(sessionId: string): void {
    this.released.add(sessionId);
    const s = this.sessions.get(sessionId);
    if (s) s.released = true;
    this.settle(sessionId);
    this.emit('review');
    this.emit('sessions');
  }

  inventory(): Array<{
    sku: string;
    name: string;
    plates: string[];
    grams: number;
    units: number;
    stocked: number;
  }> {
    return this.store.config.planogram.map((f) => {
      const grams = f.plates.reduce((a, p) => a + (this.plateGrams.get(p) ?? Number.NaN), 0);
      const unit = this.store.product(f.sku)?.weight.meanGrams ?? 1;
      const known = Number.isFinite(grams);
      return {
        sku: f.sku,
        name: this.store.product(f.sku)?.name ?? f.sku,
        plates: f.plates,
        grams: known ? Math.round(grams) : 0,
        units: known ? Math.max(0, Math.round(grams / unit)) : f.units,
        stocked: f.units,
      };
    });
  }

  private emit(what: Change): void {
    for (const l of this.listeners) l.changed(what);
  }

  private session(sessionId: string, token: string, t: number): SessionView {
    let s = this.sessions.get(sessionId);
    if (!s) {
      s = {
        sessionId,
        tokenHint: `${token.slice(0, 6)}…`,
        state: 'open',
        members: 1,
        enteredAt: t,
        lastT: t,
        confidence: 1,
        lines: [],
        eventIds: [],
        receipt: null,
        released: this.released.has(sessionId),
      };
      this.sessions.set(sessionId, s);
    }
    return s;
  }

  private onTracks(m: TracksUpdate): void {
    const live = new Set<string>();
    const out = m.tracks.map((tr) => {
      live.add(tr.trackId);
      const trail = this.trails.get(tr.trackId) ?? [];
      trail.push([tr.position[0], tr.position[1]]);
      if (trail.length > TRAIL) trail.shift();
      this.trails.set(tr.trackId, trail);
      return { trackId: tr.trackId, sessionId: tr.sessionId, trail: [...trail] };
    });
    for (const id of this.trails.keys()) if (!live.has(id)) this.trails.delete(id);
    for (const l of this.listeners) l.tracks({ t: m.t, tracks: out });
  }

  private onSamples(m: ShelfSamples): void {
    const valid = m.grams.filter((g): g is number => g !== null);
    if (valid.length === 0) return;
    const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
    const t = m.t0 + ((m.grams.length - 1) * m.periodMs) / 2;
    const trace = this.traces.get(m.plateId) ?? [];
    trace.push([t, mean]);
    while (trace.length > 0 && (trace[0]?.[0] ?? t) < t - TRACE_MS) trace.shift();
    this.traces.set(m.plateId, trace);
    const before = this.plateGrams.get(m.plateId);
    this.plateGrams.set(m.plateId, mean);
    if (before === undefined || Math.abs(before - mean) > 5) this.checkStock(m.plateId, m.t0);
  }

  private checkStock(plateId: string, t: number): void {
    const facing = this.store.plate(plateId)?.facing;
    if (!facing) return;
    const inv = this.inventory().find((i) => i.sku === facing.sku && i.plates.includes(plateId));
    if (!inv) return;
    const low = inv.units <= Math.floor(inv.stocked * LOW_STOCK_FRACTION);
    const key = `${facing.sku}@${facing.plates.join('+')}`;
    if (low && !this.lowStockAlerted.has(key)) {
      this.lowStockAlerted.add(key);
      this.addAlert({
        t,
        kind: 'low-stock',
        severity: 'warning',
        message: `${inv.name} low: ${inv.units} of ${inv.stocked} units left on ${facing.plates.join(', ')}`,
        ref: facing.sku,
      });
    } else if (!low) this.lowStockAlerted.delete(key);
    this.emit('inventory');
  }

  private onShelfEvent(m: ShelfEvent): void {
    const traces: Record<string, Array<[number, number]>> = {};
    for (const p of m.plates)
      traces[p.plateId] = (this.traces.get(p.plateId) ?? []).filter(
        ([t]) => t >= m.t0 - 3000 && t <= m.t1 + 3000,
      );
    this.events.set(m.id, { ...m, traces });
    if (!m.sessionId || !this.sessions.has(m.sessionId)) this.adoptOrphan(m.id);
    const best = m.hypotheses[0];
    if (best?.kind === 'return') {
      const wrong = m.plates.filter((p) => this.store.plate(p.plateId)?.facing?.sku !== best.sku);
      if (wrong.length > 0)
        this.addAlert({
          t: m.t1,
          kind: 'misplaced-item',
          severity: 'info',
          message: `${this.store.product(best.sku)?.name ?? best.sku} left on ${wrong.map((w) => w.plateId).join(', ')}`,
          ref: m.id,
        });
    }
    if (m.sessionId) {
      const s = this.sessions.get(m.sessionId);
      if (s) {
        s.eventIds.push(m.id);
        const conf = (best?.prob ?? 1) * (m.candidates[0]?.prob ?? 1);
        s.confidence = Math.min(s.confidence, conf);
        if (best) {
          const line = s.lines.find((l) => l.sku === best.sku);
          const delta = best.kind === 'take' ? best.count : -best.count;
          if (line) line.quantity += delta;
          else if (delta > 0)
            s.lines.push({
              sku: best.sku,
              name: this.store.product(best.sku)?.name ?? best.sku,
              quantity: delta,
            });
          s.lines = s.lines.filter((l) => l.quantity > 0);
        }
        this.emit('sessions');
      }
    }
    for (const l of this.listeners) l.flash(m.plates.map((p) => p.plateId));
  }

  private onReceipt(r: Receipt): void {
    const s = this.session(r.sessionId, r.token, r.enteredAt);
    s.receipt = r;
    s.state = 'finalised';
    s.confidence = r.confidence;
    s.lines = r.lines.map((l) => ({
      sku: l.sku,
      name: this.store.product(l.sku)?.name ?? l.sku,
      quantity: l.quantity,
    }));
    for (const l of r.lines)
      for (const e of l.evidence) {
        if (!s.eventIds.includes(e.eventId)) s.eventIds.push(e.eventId);
        this.orphanEvents.delete(e.eventId);
      }
    if (r.status !== 'review' || s.released) this.settle(r.sessionId);
    if (r.status === 'review' && !s.released)
      this.addAlert({
        t: r.exitedAt,
        kind: 'unpaid-exit',
        severity: 'warning',
        message: `Session ${r.sessionId} left with an unpaid cart awaiting review (${r.reviewReasons.join('; ') || 'low confidence'})`,
        ref: r.sessionId,
      });
    this.emit('sessions');
    this.emit('review');
  }

  /** Entries held now (tests and /metrics-style checks that memory stays bounded). */
  sizes(): { sessions: number; events: number; settled: number; orphanEvents: number } {
    return {
      sessions: this.sessions.size,
      events: this.events.size,
      settled: this.settledAt.size,
      orphanEvents: this.orphanEvents.size,
    };
  }

  private settle(sessionId: string): void {
    this.settledAt.delete(sessionId);
    this.settledAt.set(sessionId, this.retention.now());
    this.touchedAt.delete(sessionId);
    this.prune();
  }

  private adoptOrphan(eventId: string): void {
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

  private addAlert(a: Alert): void {
    this.alerts.unshift({ ...a, id: ++this.alertSeq });
    if (this.alerts.length > 500) this.alerts.pop();
    this.emit('alerts');
  }
}
