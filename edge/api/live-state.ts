import type { Alert, ShelfEvent, ShelfSamples, TracksUpdate } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { Bus } from '../bus/index.ts';
import { LiveRetention } from './live-retention.ts';
import type {
  CameraStatusView,
  Change,
  EventView,
  InventoryView,
  LiveListener,
  RetentionOptions,
  SessionView,
} from './live-state-types.ts';
import {
  applyShelfEvent,
  deviceAlert,
  inventoryOf,
  misplacedAlert,
  newSessionView,
  unpaidExitAlert,
} from './live-views.ts';

export type {
  CameraStatusView,
  Change,
  EventView,
  LiveListener,
  RetentionOptions,
  SessionView,
} from './live-state-types.ts';

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
  private readonly retention: LiveRetention;

  constructor(
    readonly store: StoreModel,
    bus: Bus,
    /** Releases on record (the SQLite table, or a Set in tests). */
    private readonly released: { has(sessionId: string): boolean; add(sessionId: string): unknown },
    retention: RetentionOptions = {},
  ) {
    this.retention = new LiveRetention(this.sessions, this.events, retention);
    this.unsubs.push(
      bus.subscribe('edge.tracks', (m) => this.onTracks(m)),
      bus.subscribe('edge.session', (m) => {
        if (this.retention.wasDropped(m.sessionId)) return;
        const s = this.session(m.sessionId, m.token, m.t);
        s.state = m.state;
        s.members = m.members;
        s.lastT = m.t;
        this.retention.touch(m.sessionId);
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
        this.addAlert(deviceAlert(m));
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
    this.retention.settle(sessionId);
    this.emit('review');
    this.emit('sessions');
  }

  inventory(): InventoryView[] {
    return inventoryOf(this.store, this.plateGrams);
  }

  private emit(what: Change): void {
    for (const l of this.listeners) l.changed(what);
  }

  private session(sessionId: string, token: string, t: number): SessionView {
    let s = this.sessions.get(sessionId);
    if (!s) {
      s = newSessionView(sessionId, token, t, this.released.has(sessionId));
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
    // A held event comes again once settled (`m.settled`): it replaces the first, alerts once.
    const again = this.events.has(m.id);
    this.events.set(m.id, { ...m, traces });
    if (!m.sessionId || !this.sessions.has(m.sessionId)) this.retention.adoptOrphan(m.id);
    const misplaced = again ? undefined : misplacedAlert(m, this.store);
    if (misplaced) this.addAlert(misplaced);
    if (m.sessionId) {
      const s = this.sessions.get(m.sessionId);
      if (s) {
        applyShelfEvent(s, m, this.store);
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
        this.retention.claimEvent(e.eventId);
      }
    if (r.status !== 'review' || s.released) this.retention.settle(r.sessionId);
    if (r.status === 'review' && !s.released) this.addAlert(unpaidExitAlert(r));
    this.emit('sessions');
    this.emit('review');
  }

  /** Entries held now (tests and /metrics-style checks that memory stays bounded). */
  sizes(): { sessions: number; events: number; settled: number; orphanEvents: number } {
    const kept = this.retention.sizes();
    return {
      sessions: this.sessions.size,
      events: this.events.size,
      settled: kept.settled,
      orphanEvents: kept.orphanEvents,
    };
  }

  private addAlert(a: Alert): void {
    this.alerts.unshift({ ...a, id: ++this.alertSeq });
    if (this.alerts.length > 500) this.alerts.pop();
    this.emit('alerts');
  }
}
