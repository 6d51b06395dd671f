import type { Registry } from 'prom-client';
import { ConfigError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import type { InputTopic, ShelfSamples, TopicMap } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import { parseOrThrow } from '../../core/validate.ts';
import { CartBook, type CartState } from '../carts/index.ts';
import { createItemInference, type ItemInference } from '../item-inference/index.ts';
import {
  createShelfEventDetector,
  type PlateNotice,
  type ShelfEventDetector,
  type ShelfEventDetectorState,
  type ShelfEventDraft,
} from '../shelf-events/index.ts';
import type { EventStore } from '../storage/index.ts';
import { StorageError } from '../storage/index.ts';
import type { SessionInfo, Tracker } from '../tracking/index.ts';
import { EngineConfig } from './config.ts';
import { decideEvent, type ForeignStock, platesOf } from './decide-event.ts';
import { type EngineState, messageTime, sanitiseSamples } from './engine-inputs.ts';
import { finaliseSession, type PendingFinal } from './finalise-session.ts';
import { type IdentityHold, settleHolds } from './identity-holds.ts';
import type { Engine, EngineOptions, Publish } from './index.ts';
import { createEngineRegistry, type EngineCounters, emptyCounters } from './metrics.ts';
import { reportPlateNotices } from './plate-notices.ts';
import { splitByFacing } from './split-facings.ts';

const log = createLogger('edge.engine');

/** How often (store clock, ms) faulted plates are checked for hands that reached into them. */
const FAULT_CHECK_MS = 1000;
/** A drain steps at least this far (ms): the tracker takes an exit the door did not report after 4 s. */
const DRAIN_MIN_MS = 5000;

class FusionEngine implements Engine {
  private readonly cfg: EngineConfig;
  private readonly store: StoreModel;
  private readonly detector: ShelfEventDetector;
  private readonly inference: ItemInference;
  private readonly carts = new CartBook();
  private readonly tracker: Tracker;
  private readonly storage: EventStore | undefined;
  private readonly publish: Publish;
  private readonly cameras: Set<string>;
  private pendingFinal: PendingFinal[] = [];
  private holds: IdentityHold[] = [];
  private foreign: ForeignStock = {};
  private c: EngineCounters = emptyCounters();
  private sinceCheckpoint: Record<string, number> = {};
  private lastCheckpointClock = Number.NEGATIVE_INFINITY;
  private lastStep = Number.NEGATIVE_INFINITY;
  private warned = new Set<string>();
  /** After the input ended the clock moves without samples: that is not a silent plate. */
  private draining = false;
  clock = 0;
  position = 0;
  readonly resumePosition: number;
  readonly metrics: Registry;

  private readonly tracksEveryMs: number;
  private lastTracks = 0;
  private lastFaultCheck = Number.NEGATIVE_INFINITY;

  constructor(opts: EngineOptions) {
    this.tracksEveryMs = opts.tracksEveryMs ?? 0;
    this.cfg = parseOrThrow(EngineConfig, opts.config ?? {}, 'engine config', ConfigError);
    this.store = opts.store;
    this.storage = opts.storage;
    this.publish = opts.publish ?? (() => {});
    this.cameras = new Set(opts.store.config.cameras.map((c) => c.id));
    this.detector = createShelfEventDetector(opts.store, this.cfg.shelf);
    this.inference = createItemInference(opts.store, this.cfg.inference);
    this.tracker = opts.createTracker(opts.store, {
      opened: (s) => this.onOpened(s),
      exited: (s) => this.onExited(s),
    });
    this.metrics = createEngineRegistry(() => this.counters());
    if (opts.storage && opts.sourceId) opts.storage.bindSource(opts.sourceId);
    const cp = opts.storage?.loadCheckpoint() ?? null;
    if (cp) {
      this.restore(cp.state as EngineState);
      log.info({ position: cp.position, clock: cp.clock }, 'resumed from snapshot');
    }
    this.resumePosition = this.position;
  }

  ingest<T extends InputTopic>(topic: T, msg: TopicMap[T], at?: number): void {
    this.position++;
    this.c.messages[topic] = (this.c.messages[topic] ?? 0) + 1;
    this.sinceCheckpoint[topic] = (this.sinceCheckpoint[topic] ?? 0) + 1;
    try {
      const t = at ?? messageTime(topic, msg);
      if (t < this.clock - 1000) this.c.clockBackwards++;
      if (t > this.clock) this.clock = t;
      this.dispatch(topic, msg);
      // Stepping every plate on every message would dominate the cost; a store-clock cadence is enough.
      if (this.clock >= this.lastStep + this.cfg.stepMs) this.step();
    } catch (err) {
      // Bad input must never stop the engine: count it, log it, carry on with the next message.
      this.c.handlerErrors++;
      this.warnOnce(`error:${topic}`, { err, topic }, 'processing a message failed');
    }
    if (this.storage && this.clock - this.lastCheckpointClock >= this.cfg.checkpointEveryMs)
      this.checkpoint();
  }

  private dispatch<T extends InputTopic>(topic: T, msg: TopicMap[T]): void {
    switch (topic) {
      case 'shelf.samples': {
        const m = sanitiseSamples(msg as ShelfSamples, this.store, this.cfg.rangeFactor, this.c);
        if (!this.detector.onSamples(m, this.clock)) {
          this.c.unknownPlate += m.grams.length;
          this.warnOnce(`plate:${m.plateId}`, { plateId: m.plateId }, 'samples of an unknown plate ignored');
        }
        return;
      }
      case 'camera.poses': {
        const m = msg as TopicMap['camera.poses'];
        if (!this.cameras.has(m.cameraId)) {
          this.c.unknownCamera++;
          this.warnOnce(
            `camera:${m.cameraId}`,
            { cameraId: m.cameraId },
            'poses of an unknown camera ignored',
          );
          return;
        }
        this.tracker.onPoses(m);
        return;
      }
      case 'gate.scan':
        this.tracker.onGateScan(msg as TopicMap['gate.scan']);
        return;
      case 'gate.passage':
        this.tracker.onGatePassage(msg as TopicMap['gate.passage']);
        return;
      case 'device.status': {
        const m = msg as TopicMap['device.status'];
        const notices: PlateNotice[] = [];
        this.detector.onDeviceStatus(m, notices);
        this.handleNotices(notices);
        this.tracker.onDeviceStatus(m);
        return;
      }
    }
  }

  tick(t: number): void {
    if (t > this.clock) this.clock = t;
    this.step();
  }

  drain(): void {
    const cfg = this.cfg;
    const horizon =
      this.clock + cfg.maxFinaliseWaitMs + cfg.shelf.reorderMs + cfg.shelf.holdMs + cfg.shelf.settleMs;
    // Step the clock forward without samples: interactions complete, exited sessions finalise, and
    // the tracker gets the few seconds in which it takes an exit the door did not report.
    this.draining = true;
    const settled = this.clock + DRAIN_MIN_MS;
    for (let t = this.clock + 250; t <= horizon; t += 250) {
      this.tick(t);
      if (t >= settled && this.pendingFinal.length === 0 && this.detector.pendingSince() === null) break;
    }
    this.draining = false;
    if (this.storage) this.checkpoint();
  }

  private step(): void {
    this.lastStep = this.clock;
    this.tracker.advance(this.clock);
    if (this.tracksEveryMs > 0 && this.clock - this.lastTracks >= this.tracksEveryMs) {
      this.lastTracks = this.clock;
      this.publish('edge.tracks', this.tracker.snapshot(this.clock));
    }
    const { events, notices } = this.detector.advance(this.clock, { silence: !this.draining });
    this.handleNotices(notices);
    this.checkFaultedPlates();
    const drafts = events.flatMap((e) => this.split(e));
    // Events settling together are often two shoppers side by side: each one's actor is known to the
    // other's attribution (a hand does one thing at a time) whichever is decided first.
    if (drafts.length > 1)
      for (const draft of drafts)
        this.tracker.associate({
          plates: platesOf(this.store, draft),
          t0: draft.t0,
          t1: draft.t1,
          decide: true,
        });
    for (const draft of drafts) {
      const d = decideEvent(
        draft,
        {
          store: this.store,
          tracker: this.tracker,
          inference: this.inference,
          carts: this.carts,
          cfg: this.cfg,
        },
        this.foreign,
      );
      this.c.events++;
      if (d.event.review) this.c.eventsReview++;
      this.storage?.logEvent(d.event);
      this.storage?.logDecision(`event:${d.event.id}`, 'event', {
        sessionId: d.event.sessionId,
        applied: d.applied,
      });
      this.publish('edge.shelf-event', d.event);
      if (d.hold) this.holds.push(d.hold);
    }
    if (this.holds.length > 0) this.settleHeld();
    if (this.pendingFinal.length > 0) this.tryFinalise();
  }

  /**
   * A plate that cannot weigh detects no event when an item is taken from it, and the change it
   * shows on recovery is attributed to whoever is at it then; so whoever reached into it meanwhile
   * goes to review. Checked every second of store clock, over the period since the last check and
   * one more (frames arrive late); the reason is the same string each time, so a cart gets it once,
   * and a restart that checks again changes nothing.
   */
  private checkFaultedPlates(): void {
    if (!this.tracker.reachedInto || this.clock - this.lastFaultCheck < FAULT_CHECK_MS) return;
    const from = this.lastFaultCheck - FAULT_CHECK_MS;
    this.lastFaultCheck = this.clock;
    for (const f of this.detector.faults()) {
      const plate = this.store.plate(f.plateId);
      if (!plate) continue;
      for (const sessionId of this.tracker.reachedInto([plate], Math.max(f.since, from), this.clock)) {
        if (this.carts.has(sessionId))
          this.carts.addReason(
            sessionId,
            `reached into plate ${f.plateId} while it was faulted (${f.reason})`,
          );
      }
    }
  }

  /** Events held for an identity doubt: charged once the tracker settles it (identity-holds.ts). */
  private settleHeld(): void {
    const { open, settled } = settleHolds(this.holds, this.tracker, this.carts, this.clock);
    this.holds = open;
    for (const { hold, event } of settled) {
      this.c.eventsSettled++;
      this.storage?.updateEvent(event);
      this.storage?.logDecision(`settled:${event.id}`, 'event-settled', {
        sessionId: hold.sessionId,
        trackId: hold.trackId,
        carts: hold.docked.map((d) => d.sessionId),
      });
      this.publish('edge.shelf-event', event);
    }
  }

  /** Multi-facing interactions: one item across a boundary, or two hands; see split-facings.ts. */
  private split(draft: ShelfEventDraft): ShelfEventDraft[] {
    if (draft.plates.length < 2) return [draft];
    const assoc = this.tracker.associate({ plates: platesOf(this.store, draft), t0: draft.t0, t1: draft.t1 });
    const carts = assoc.candidates
      .filter((c) => this.carts.has(c.sessionId))
      .map((c) => ({ sessionId: c.sessionId, prob: c.prob, items: this.carts.items(c.sessionId) }));
    return splitByFacing(draft, this.store, this.inference, { carts, foreign: new Map() });
  }

  private handleNotices(notices: PlateNotice[]): void {
    reportPlateNotices(notices, { counters: this.c, storage: this.storage, publish: this.publish });
  }

  private onOpened(s: SessionInfo): void {
    this.carts.open(s);
    this.storage?.logDecision(`open:${s.sessionId}`, 'session-open', s);
    this.publish('edge.session', {
      sessionId: s.sessionId,
      token: s.token,
      t: s.enteredAt,
      state: 'open',
      members: s.members,
    });
  }

  private onExited(s: SessionInfo & { exitedAt: number; doubt?: string }): void {
    if (!this.carts.has(s.sessionId)) this.carts.open(s);
    this.carts.exited(s.sessionId, s.exitedAt, s.members);
    if (s.doubt) this.carts.addReason(s.sessionId, `exit: ${s.doubt}`);
    if (!this.pendingFinal.some((p) => p.sessionId === s.sessionId))
      this.pendingFinal.push({ sessionId: s.sessionId, exitedAt: s.exitedAt });
    this.storage?.logDecision(`exit:${s.sessionId}`, 'session-exit', s);
    this.publish('edge.session', {
      sessionId: s.sessionId,
      token: s.token,
      t: s.exitedAt,
      state: 'exiting',
      members: s.members,
    });
  }

  /** A cart finalises once every interaction that began before its exit has been decided. */
  private tryFinalise(): void {
    const pendingSince = this.detector.pendingSince();
    const seen = this.detector.processedUntil();
    const ready: PendingFinal[] = [];
    for (const p of this.pendingFinal) {
      if (this.clock < p.exitedAt + this.cfg.finaliseDelayMs) continue;
      // Wait until every healthy plate has been read past the exit and nothing begun before it is open.
      const unseen = seen !== null && seen < p.exitedAt + this.cfg.shelf.triggerWindowMs;
      const waiting = unseen || (pendingSince !== null && pendingSince <= p.exitedAt);
      if (waiting && this.clock < p.exitedAt + this.cfg.maxFinaliseWaitMs) continue;
      ready.push(p);
    }
    if (ready.length === 0) return;
    ready.sort((a, b) => a.exitedAt - b.exitedAt || (a.sessionId < b.sessionId ? -1 : 1));
    for (const p of ready) {
      this.pendingFinal = this.pendingFinal.filter((q) => q !== p);
      this.finalise(p);
    }
  }

  private finalise(p: PendingFinal): void {
    finaliseSession(
      {
        store: this.store,
        cfg: this.cfg,
        detector: this.detector,
        tracker: this.tracker,
        carts: this.carts,
        storage: this.storage,
        publish: this.publish,
        counters: this.c,
      },
      p,
      this.clock,
    );
  }

  checkpoint(): void {
    if (!this.storage) return;
    this.storage.logInputs(this.position, this.clock, {
      messages: this.sinceCheckpoint,
      counters: this.counters(),
    });
    this.sinceCheckpoint = {};
    // A store nothing can resume from keeps no snapshot: do not build one.
    const state = this.storage.resumable ? this.snapshot() : null;
    this.storage.checkpoint({ position: this.position, clock: this.clock, state });
    this.lastCheckpointClock = this.clock;
  }

  private snapshot(): EngineState {
    return {
      version: 1,
      clock: this.clock,
      position: this.position,
      detector: this.detector.exportState(),
      carts: this.carts.exportState(),
      tracker: this.tracker.exportState(),
      pendingFinal: this.pendingFinal,
      foreign: this.foreign,
      counters: this.c,
      lastStep: this.lastStep,
      holds: this.holds,
    };
  }

  private restore(s: EngineState): void {
    if (s.version !== 1) throw new StorageError(`snapshot version ${String(s.version)} is not supported`);
    this.clock = s.clock;
    this.position = s.position;
    this.detector.importState(s.detector);
    this.carts.importState(s.carts);
    this.tracker.importState(s.tracker);
    this.pendingFinal = s.pendingFinal;
    this.foreign = s.foreign;
    this.c = { ...emptyCounters(), ...s.counters };
    this.holds = s.holds ?? [];
    this.lastCheckpointClock = s.clock;
    this.lastStep = s.lastStep;
  }

  counters(): EngineCounters {
    const d = this.detector.counters();
    return {
      ...this.c,
      messages: { ...this.c.messages },
      invalidSamples: d.invalid,
      lateSamples: d.late,
      duplicateBatches: d.duplicates,
      missingBatches: d.gaps,
      backwardsBatches: d.backwards,
    };
  }

  private warnOnce(key: string, fields: Record<string, unknown>, msg: string): void {
    if (this.warned.has(key) || this.warned.size > 1000) return;
    this.warned.add(key);
    log.warn(fields, msg);
  }
}

export function createEngine(opts: EngineOptions): Engine {
  return new FusionEngine(opts);
}
