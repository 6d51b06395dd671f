import type { DeviceStatus, ShelfSamples } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { ShelfEventConfig } from './config.ts';
import type { ShelfEventDetector, ShelfEventDetectorState, ShelfEventDraft } from './index.ts';
import {
  type PlateCounters,
  PlateDetector,
  type PlateDetectorState,
  type PlateNotice,
  type PlateSegment,
} from './plate-detector.ts';

interface Node {
  seg: PlateSegment;
  det: PlateDetector;
  index: number;
}

const round = (v: number, d = 100) => Math.round(v * d) / d;

interface Change {
  delta: number;
  t0: number;
  t1: number;
  weak?: boolean;
}

/**
 * Two clear changes on neighbouring plates that one interaction cannot have caused: weight going
 * opposite ways (an item lying across plates leaves them together), or one plate's change starting
 * only after the other's had settled. Neighbours in the aisle reaching one after the other do that.
 */
function apart(a: Change, b: Change): boolean {
  if (a.weak || b.weak) return false;
  return Math.sign(a.delta) !== Math.sign(b.delta) || b.t0 > a.t1 || a.t0 > b.t1;
}

/** Merges the plate changes of one shelf into interactions: adjacent plates, overlapping in time. */
class StoreShelfEventDetector implements ShelfEventDetector {
  private readonly plates = new Map<string, PlateDetector>();
  private readonly shelves: Array<{ id: string; plates: PlateDetector[] }> = [];
  private readonly byController = new Map<string, PlateDetector[]>();

  constructor(
    private readonly store: StoreModel,
    private readonly cfg: ShelfEventConfig,
  ) {
    this.build();
  }

  private build(states?: Map<string, PlateDetectorState>): void {
    this.plates.clear();
    this.shelves.length = 0;
    this.byController.clear();
    for (const g of this.store.config.gondolas) {
      for (const shelf of g.shelves) {
        const dets = shelf.plates.map((p) => {
          const st = states?.get(p.id);
          const d = new PlateDetector(p.id, this.cfg, st);
          this.plates.set(p.id, d);
          const list = this.byController.get(p.controller.id) ?? [];
          list.push(d);
          this.byController.set(p.controller.id, list);
          return d;
        });
        this.shelves.push({ id: shelf.id, plates: dets });
      }
    }
  }

  onSamples(m: ShelfSamples, receivedAt: number): boolean {
    const d = this.plates.get(m.plateId);
    if (!d) return false;
    d.push(m, receivedAt);
    return true;
  }

  onDeviceStatus(m: DeviceStatus, notices: PlateNotice[]): void {
    if (m.kind !== 'shelf-controller' || m.status !== 'down') return;
    for (const d of this.byController.get(m.deviceId) ?? [])
      d.setFault(m.t, 'shelf controller down', notices);
  }

  advance(
    clock: number,
    opts?: { silence?: boolean },
  ): { events: ShelfEventDraft[]; notices: PlateNotice[] } {
    const notices: PlateNotice[] = [];
    const events: ShelfEventDraft[] = [];
    for (const shelf of this.shelves) {
      let any = false;
      // The shelf is known up to the least advanced healthy plate: a neighbour's change starting
      // before that time would already be visible. A plate lagging by more than silentMs cannot block.
      let horizon = Number.POSITIVE_INFINITY;
      for (const d of shelf.plates) {
        d.advance(clock, notices, opts?.silence ?? true);
        if (d.segments.length > 0) any = true;
        const t = d.processedUntil;
        if (!d.fault && t !== null && t < horizon) horizon = t;
      }
      horizon = Math.max(Math.min(horizon, clock), clock - this.cfg.silentMs);
      if (any) this.emitShelf(shelf, horizon, events);
    }
    events.sort((a, b) => a.t0 - b.t0 || (a.id < b.id ? -1 : 1));
    return { events, notices };
  }

  private emitShelf(shelf: { id: string; plates: PlateDetector[] }, horizon: number, out: ShelfEventDraft[]) {
    const nodes: Node[] = [];
    shelf.plates.forEach((det, index) => {
      for (const seg of det.segments) nodes.push({ seg, det, index });
    });
    // Union-find over segments on the same or adjacent plates whose activity overlaps (within the gap).
    const parent = nodes.map((_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
      return i;
    };
    const gap = this.cfg.mergeGapMs;
    for (let i = 0; i < nodes.length; i++) {
      const a = nodes[i] as Node;
      const aEnd = a.seg.tEnd ?? Number.POSITIVE_INFINITY;
      for (let j = i + 1; j < nodes.length; j++) {
        const b = nodes[j] as Node;
        if (Math.abs(a.index - b.index) > 1) continue;
        const bEnd = b.seg.tEnd ?? Number.POSITIVE_INFINITY;
        if (a.seg.tStart <= bEnd + gap && b.seg.tStart <= aEnd + gap) parent[find(i)] = find(j);
      }
    }
    const groups = new Map<number, Node[]>();
    nodes.forEach((n, i) => {
      const r = find(i);
      const g = groups.get(r) ?? [];
      g.push(n);
      groups.set(r, g);
    });
    const wait = Math.max(this.cfg.holdMs, this.cfg.mergeGapMs);
    for (const group of groups.values()) {
      if (group.some((n) => n.seg.tEnd === null || horizon < (n.seg.tEnd as number) + wait)) continue;
      this.emitGroup(shelf.id, group, out);
      for (const n of group) {
        const k = n.det.segments.indexOf(n.seg);
        if (k >= 0) n.det.segments.splice(k, 1);
      }
    }
  }

  private emitGroup(shelfId: string, group: Node[], out: ShelfEventDraft[]): void {
    const byPlate = new Map<number, Node[]>();
    for (const n of group) {
      const l = byPlate.get(n.index) ?? [];
      l.push(n);
      byPlate.set(n.index, l);
    }
    const changes: Array<{
      index: number;
      plateId: string;
      delta: number;
      se: number;
      t0: number;
      t1: number;
      fault?: string;
      weak?: boolean;
    }> = [];
    for (const [index, list] of [...byPlate.entries()].sort((a, b) => a[0] - b[0])) {
      list.sort((a, b) => a.seg.tStart - b.seg.tStart);
      const first = list[0] as Node;
      const last = list[list.length - 1] as Node;
      const after = last.det.afterOf(last.seg) ?? first.seg.before;
      const nAfter = last.seg.afterFinal
        ? last.seg.nAfter
        : Math.max(last.seg.nAfter, last.det.stableSamples);
      const sigma = Math.max(...list.map((n) => n.seg.sigma));
      const se = sigma * Math.sqrt(1 / first.seg.nBefore + 1 / Math.max(1, nAfter));
      const delta = after - first.seg.before;
      const fault = list.find((n) => n.seg.fault)?.seg.fault;
      const significant =
        Math.abs(delta) > Math.max(this.cfg.significanceSigmas * se, this.cfg.minChangeGrams);
      // A fault with no significant change means nothing happened while the plate was blind. A plate
      // whose activity overlapped a clearly changed neighbour needs less evidence: an item lying
      // across plates leaves a small share on one of them.
      const change = {
        index,
        plateId: first.seg.plateId,
        delta,
        se,
        t0: first.seg.tStart,
        t1: Math.max(...list.map((n) => n.seg.tEnd as number)),
      };
      if (!significant) {
        const weak = Math.abs(delta) > Math.max(this.cfg.sharedSigmas * se, this.cfg.minChangeGrams);
        if (weak && byPlate.size >= 2) changes.push({ ...change, weak: true });
        continue;
      }
      changes.push({ ...change, ...(fault ? { fault } : {}) });
    }
    // Runs of adjacent changed plates; an unchanged plate between two changes separates interactions.
    let run: typeof changes = [];
    const flush = () => {
      if (run.length === 0 || run.every((c) => c.weak)) {
        run = [];
        return;
      }
      const t0 = Math.min(...run.map((c) => c.t0));
      const first = run[0] as (typeof run)[number];
      const fault = run.find((c) => c.fault)?.fault;
      out.push({
        id: `${first.plateId}@${Math.round(t0)}`,
        shelfId,
        t0,
        t1: Math.max(...run.map((c) => c.t1)),
        plates: run.map((c) => ({
          plateId: c.plateId,
          deltaGrams: round(c.delta),
          seGrams: round(c.se, 1000),
          t0: c.t0,
          t1: c.t1,
          ...(c.fault ? { fault: c.fault } : {}),
        })),
        deltaGrams: round(run.reduce((s, c) => s + c.delta, 0)),
        seGrams: round(Math.sqrt(run.reduce((s, c) => s + c.se * c.se, 0)), 1000),
        ...(fault ? { fault } : {}),
      });
      run = [];
    };
    for (const c of changes) {
      const prev = run[run.length - 1];
      if (prev && (c.index !== prev.index + 1 || apart(prev, c))) flush();
      run.push(c);
    }
    flush();
  }

  pendingSince(): number | null {
    let min: number | null = null;
    for (const d of this.plates.values()) {
      for (const seg of d.segments) if (min === null || seg.tStart < min) min = seg.tStart;
    }
    return min;
  }

  processedUntil(): number | null {
    let min: number | null = null;
    for (const d of this.plates.values()) {
      const t = d.processedUntil;
      if (d.fault || t === null) continue;
      if (min === null || t < min) min = t;
    }
    return min;
  }

  faults(): Array<{ plateId: string; since: number; reason: string }> {
    const out: Array<{ plateId: string; since: number; reason: string }> = [];
    for (const [plateId, d] of this.plates) if (d.fault) out.push({ plateId, ...d.fault });
    return out;
  }

  counters(): PlateCounters {
    const c: PlateCounters = { invalid: 0, late: 0, backwards: 0, duplicates: 0, gaps: 0 };
    for (const d of this.plates.values()) {
      const k = d.s.counters;
      c.invalid += k.invalid;
      c.late += k.late;
      c.backwards += k.backwards;
      c.duplicates += k.duplicates;
      c.gaps += k.gaps;
    }
    return c;
  }

  exportState(): ShelfEventDetectorState {
    return { plates: [...this.plates.values()].map((d) => structuredClone(d.s)) };
  }

  importState(state: ShelfEventDetectorState): void {
    this.build(new Map(state.plates.map((p) => [p.plateId, structuredClone(p)])));
  }
}

export function createShelfEventDetector(store: StoreModel, cfg: ShelfEventConfig): ShelfEventDetector {
  return new StoreShelfEventDetector(store, cfg);
}
