import { createLogger } from '../../core/log.ts';
import type { CameraPoses, DeviceStatus, GatePassage, GateScan, TracksUpdate } from '../../core/messages.ts';
import type { GateConfig } from '../../core/store/schema.ts';
import type { PlateInfo, StoreModel } from '../../core/store/store-model.ts';
import { type AssociationParams, associate, DEFAULT_ASSOCIATION, reachedInto } from '../association/index.ts';
import type {
  AssociationRequest,
  AssociationResult,
  IdentityStatus,
  SessionInfo,
  SessionListener,
  Tracker,
  TrackerCounters,
} from './index.ts';

export type { TrackerCounters } from './index.ts';

import { BusyHands } from './busy-hands.ts';
import { CAMERA_SILENT_MS, CameraHealth } from './camera-health.ts';
import { EncounterBook } from './encounters.ts';
import { chooseExit, exitDoubt } from './exit-attribution.ts';
import { ExitWatch } from './exit-inference.ts';
import {
  type BirthSlot,
  bindPassages,
  LATE_PASSAGE_MS,
  outsideAtGate,
  type Side,
  storeSide,
  takeBirthSlot,
  trackOfPassage,
} from './gate-binding.ts';
import { type SessionRecord, SessionRegistry } from './session-registry.ts';
import { TrackManager } from './track-manager.ts';
import type { PendingExit, TrackerSnapshot } from './tracker-snapshot.ts';

const log = createLogger('edge.tracking');

/**
 * A scan the door follows with no passage for this long (ms) is taken as one shopper walking in:
 * the door lost it. Passages follow scans within 0.7-1.1 s in simulated traffic; the rest is for a
 * door link that lags.
 */
const PASSAGE_WAIT_MS = 8000;
/** A wrist this near (m) a plate's box was at it: inside it, or at its face. */
const REACHED_INTO_M = 0.15;

export interface TrackerOptions {
  association?: Partial<AssociationParams>;
  /**
   * Bound tracks of different sessions closer than this (m) may have swapped identities; later events
   * by either go to review. 0 disables. 0.3 trades ~half the wrong attributions for ~3x the reviews.
   */
  contestDistance?: number;
}

class StoreTracker implements Tracker {
  private registry = new SessionRegistry();
  private tracks: TrackManager;
  private pendingExits: PendingExit[] = [];
  private birthSlots: BirthSlot[] = [];
  /** Group sessions with a member who left under doubt, until the last one leaves. */
  private exitDoubts: Record<string, string> = {};
  private clock = 0;
  private lastContestCheck = 0;
  private readonly encounters: EncounterBook;
  private readonly contestM: number;
  private readonly gates: Map<string, GateConfig>;
  private readonly inside: Map<string, Side>;
  private readonly params: AssociationParams;
  private readonly c: TrackerSnapshot['c'] = {
    unknownGate: 0,
    exitsWithoutTrack: 0,
    exitsFromCameras: 0,
    entriesWithoutPassage: 0,
    clockBackwards: 0,
    cameraBackwards: 0,
    cameraDown: 0,
  };
  private readonly cameras = new CameraHealth(this.c);
  private readonly exitWatch: ExitWatch;
  private readonly hands = new BusyHands();

  constructor(
    private readonly store: StoreModel,
    private readonly listener: SessionListener,
    opts: TrackerOptions,
  ) {
    this.tracks = new TrackManager(store);
    this.gates = new Map(store.config.gates.map((g) => [g.id, g]));
    this.inside = new Map(store.config.gates.map((g) => [g.id, storeSide(g, store.config.floor)]));
    this.exitWatch = new ExitWatch(
      store.config.gates.filter((g) => g.kind === 'exit'),
      this.inside,
    );
    this.params = { ...DEFAULT_ASSOCIATION, ...opts.association };
    this.contestM = opts.contestDistance ?? 0.35;
    this.encounters = new EncounterBook({ meet: this.contestM, part: Math.max(0.6, this.contestM * 1.7) });
  }

  onGateScan(m: GateScan): void {
    const gate = this.gates.get(m.gateId);
    if (!gate || gate.kind !== 'entry') {
      this.c.unknownGate++;
      log.warn({ gateId: m.gateId }, 'scan at unknown or non-entry gate ignored');
      return;
    }
    const before = this.registry.sessions.length;
    const { session: s, claimed } = this.registry.open(m.token, m.gateId, m.t);
    if (this.registry.sessions.length > before) this.listener.opened(this.registry.info(s));
    for (const c of claimed) {
      if (c.from === undefined) this.addSlot(c.t, s.sessionId, m.gateId, c.late === true);
      else this.rebindPassage(c.t, c.from, s.sessionId, gate);
    }
  }

  onGatePassage(m: GatePassage): void {
    const gate = this.gates.get(m.gateId);
    if (!gate) {
      this.c.unknownGate++;
      return;
    }
    if (m.direction === 'in') {
      if (gate.kind === 'entry') {
        const doorLate = this.clock - m.t > LATE_PASSAGE_MS;
        const p = this.registry.passageIn(m.gateId, m.t, doorLate);
        if (p && !p.confirms) this.addSlot(m.t, p.session.sessionId, m.gateId, doorLate);
      }
      return;
    }
    if (gate.kind !== 'exit' || !this.exitWatch.onDoorOut(m.gateId, m.t)) return;
    const out = chooseExit(
      this.registry.active(),
      this.tracks.tracks,
      gate,
      m.t,
      this.cameras.up(m.t),
      (id) => this.encounters.pending(id),
    );
    if (!out) return;
    if (out.guessed) this.c.exitsWithoutTrack++;
    this.memberLeft(out.s, m.t, out.doubt);
  }

  private memberLeft(s: SessionRecord, t: number, doubt: string | undefined): void {
    if (doubt) this.exitDoubts[s.sessionId] = doubt;
    if (this.registry.memberExited(s, t)) {
      for (const tr of this.tracks.tracks) if (tr.sessionId === s.sessionId) tr.exited = true;
      const why = this.exitDoubts[s.sessionId];
      delete this.exitDoubts[s.sessionId];
      this.pendingExits.push({ t, sessionId: s.sessionId, ...(why ? { doubt: why } : {}) });
    }
  }

  /** Shoppers the cameras saw walk out while the door said nothing (unplugged, or a lost passage). */
  private exitsSeenByCameras(t: number): void {
    for (const x of this.exitWatch.unreported(this.tracks.tracks, t)) {
      x.track.exited = true;
      const s = this.registry.active().find((r) => r.sessionId === x.track.sessionId);
      if (!s) continue;
      this.c.exitsFromCameras++;
      log.warn(
        { gateId: x.gate.id, sessionId: s.sessionId },
        'exit seen by the cameras, not reported by the door',
      );
      this.memberLeft(
        s,
        x.t,
        exitDoubt(x.track, this.registry.active(), (id) => this.encounters.pending(id)),
      );
    }
  }

  /**
   * A passage an earlier session took now belongs to `to`: its slot if still waiting, else the track
   * of that session that came in nearest its time (never the session's only track).
   */
  private rebindPassage(t: number, from: string, to: string, gate: GateConfig): void {
    const slot = this.birthSlots.find((b) => b.sessionId === from && b.t === t);
    if (slot) {
      slot.sessionId = to;
      return;
    }
    const side = this.inside.get(gate.id);
    const tr = side && trackOfPassage(this.tracks.tracks, from, t, gate, side);
    if (tr) tr.sessionId = to;
  }

  private addSlot(t: number, sessionId: string, gateId: string, doorLate: boolean): void {
    const late = this.clock - t > LATE_PASSAGE_MS;
    this.birthSlots.push({
      t,
      sessionId,
      gateId,
      ...(late ? { heardAt: this.clock } : {}),
      ...(doorLate ? { doorLate: true } : {}),
    });
  }

  onPoses(m: CameraPoses): void {
    if (m.t < this.clock - 10_000) {
      this.c.clockBackwards++;
      return;
    }
    if (!this.cameras.accept(m, this.tracks.cameras.has(m.cameraId))) return;
    this.tracks.onFrame(
      m,
      (x, y, t) => takeBirthSlot(this.birthSlots, this.tracks.entryZones, x, y, t),
      (x, y) => !outsideAtGate(this.store.config.gates, this.inside, x, y),
    );
  }

  onDeviceStatus(m: DeviceStatus): void {
    this.cameras.onStatus(m);
  }

  advance(t: number): void {
    if (t < this.clock) {
      this.c.clockBackwards++;
      return;
    }
    this.clock = t;
    this.exitsSeenByCameras(t);
    for (const s of this.registry.assumePassages(t, PASSAGE_WAIT_MS)) {
      this.c.entriesWithoutPassage++;
      log.warn(
        { gateId: s.scanGate, sessionId: s.sessionId },
        'no passage after a scan: one shopper assumed in',
      );
      this.birthSlots.push({ t: s.enteredAt, sessionId: s.sessionId, gateId: s.scanGate, assumed: true });
    }
    while (this.pendingExits.length > 0 && (this.pendingExits[0]?.t ?? 0) <= t) {
      const e = this.pendingExits.shift() as PendingExit;
      const s = this.registry.sessions.find((x) => x.sessionId === e.sessionId);
      if (s)
        this.listener.exited({
          ...this.registry.info(s),
          exitedAt: e.t,
          ...(e.doubt ? { doubt: e.doubt } : {}),
        });
    }
    this.markContested(t);
    this.hands.prune(t);
    this.tracks.expire(t);
    this.birthSlots = bindPassages(this.birthSlots, this.tracks.tracks, this.gates, this.inside, t).filter(
      (b) => t - b.t < 10_000,
    );
    this.registry.prune(t, 120_000);
  }

  /** Close passes between shoppers: resolved by body height, or contested (their events go to review). */
  private markContested(t: number): void {
    if (this.contestM <= 0 || t - this.lastContestCheck < 200) return;
    this.lastContestCheck = t;
    // Bound tracks not seen for a while stay in: a track that lost its person next to another one
    // is exactly the case where identities get mixed up.
    const live = this.tracks.tracks.filter((tr) => tr.sessionId !== null && !tr.exited);
    const everyone = this.tracks.tracks.filter((tr) => !tr.exited && t - tr.lastT < 1000);
    this.encounters.check(t, live, everyone);
  }

  associate(req: AssociationRequest): AssociationResult {
    const present = this.registry.presentDuring(req.t0 - this.params.before, req.t1);
    const ids = req.plates.map((p) => p.id);
    const res = associate(
      req.plates.map((p) => p.plate.box),
      req.t0,
      req.t1,
      present,
      this.sessionTracks,
      this.camerasUp(req.t0, req.t1),
      (trackId) => this.encounters.rivals(trackId),
      this.params,
      this.tracks.tracks.filter(
        (tr) => tr.sessionId === null && !tr.exited && tr.lastT >= req.t0 - this.params.before,
      ),
      this.hands.busy(ids, req.t0, req.t1),
    );
    if (req.decide) this.hands.note(ids, req.t0, req.t1, res.actor, res.candidates[0]?.prob ?? 0);
    return res;
  }

  reachedInto(plates: PlateInfo[], t0: number, t1: number): string[] {
    const present = this.registry.presentDuring(t0, t1);
    if (!this.camerasUp(t0, t1)) return present.map((s) => s.sessionId);
    return reachedInto(
      plates.map((p) => p.plate.box),
      t0,
      t1,
      present,
      this.sessionTracks,
      REACHED_INTO_M,
    );
  }

  identityStatus(trackId: string, sessionId: string, rivals: string[]): IdentityStatus {
    const tr = this.tracks.tracks.find((x) => x.id === trackId);
    if (!tr || tr.exited || tr.sessionId !== sessionId) return 'lost';
    if (this.encounters.pending(trackId) || rivals.some((s) => tr.contested?.[s] !== undefined))
      return 'doubtful';
    return 'kept';
  }

  private readonly sessionTracks = (sessionId: string) =>
    this.tracks.tracks.filter((tr) => tr.sessionId === sessionId);

  private camerasUp(t0: number, t1: number): boolean {
    return this.cameras.up(t1) || this.cameras.up(t0);
  }

  openSessions(): SessionInfo[] {
    return this.registry.active().map((s) => this.registry.info(s));
  }

  snapshot(t: number): TracksUpdate {
    return {
      t,
      tracks: this.tracks.tracks
        .filter((tr) => !tr.exited && t - tr.lastT < CAMERA_SILENT_MS)
        .map((tr) => ({
          trackId: tr.id,
          sessionId: tr.sessionId,
          position: [Math.round(tr.x * 100) / 100, Math.round(tr.y * 100) / 100] as [number, number],
          wrists: tr.wrists
            .filter((w) => t - w.t < 500)
            .slice(-2)
            .map((w) => w.p),
        })),
    };
  }

  counters(): TrackerCounters {
    const k = this.tracks.counters;
    return {
      frames: k.frames,
      detections: k.detections,
      births: k.births,
      reacquired: k.reacquired,
      unmatchedDetections: k.unmatched,
      unknownCamera: k.unknownCamera,
      unknownGate: this.c.unknownGate,
      unscannedPassages: this.registry.unscannedPassages,
      exitsWithoutTrack: this.c.exitsWithoutTrack,
      exitsFromCameras: this.c.exitsFromCameras,
      entriesWithoutPassage: this.c.entriesWithoutPassage,
      clockBackwards: this.c.clockBackwards,
      cameraBackwards: this.c.cameraBackwards,
      cameraDown: this.c.cameraDown,
    };
  }

  exportState(): TrackerSnapshot {
    return {
      sessions: this.registry.sessions,
      unscanned: this.registry.unscannedPassages,
      waitingPassages: this.registry.waiting,
      // Per-camera rays only pair views within 70 ms (and hold the camera and the detection): not state.
      tracks: this.tracks.tracks.map((tr) => ({ ...tr, rays: {} })),
      nextId: this.tracks.nextId,
      pendingExits: this.pendingExits,
      exitDoubts: this.exitDoubts,
      birthSlots: this.birthSlots,
      exitWatch: this.exitWatch.state,
      cameraLast: this.cameras.last,
      cameraDown: this.cameras.down,
      clock: this.clock,
      lastContestCheck: this.lastContestCheck,
      encounters: this.encounters.open,
      doubts: this.encounters.doubts,
      encounterCounters: this.encounters.counters,
      busyHands: this.hands.acts,
      c: this.c,
    };
  }

  importState(state: unknown): void {
    // The state is our own snapshot from the engine's SQLite store, written by exportState above.
    const s = state as TrackerSnapshot;
    this.registry.sessions = s.sessions;
    this.registry.unscannedPassages = s.unscanned;
    this.registry.waiting = s.waitingPassages ?? [];
    this.tracks.tracks = s.tracks.map((tr) => ({ ...tr, rays: {} }));
    this.tracks.nextId = s.nextId;
    this.pendingExits = s.pendingExits;
    this.exitDoubts = s.exitDoubts ?? {};
    this.birthSlots = s.birthSlots;
    this.exitWatch.state = s.exitWatch ?? { outs: {}, seen: [] };
    this.cameras.last = s.cameraLast;
    this.cameras.down = s.cameraDown;
    this.clock = s.clock;
    this.lastContestCheck = s.lastContestCheck ?? 0;
    this.encounters.open = s.encounters ?? [];
    this.encounters.doubts = s.doubts ?? [];
    if (s.encounterCounters) this.encounters.counters = s.encounterCounters;
    this.hands.acts = s.busyHands ?? [];
    // Mutated in place: the camera health counts into the same object.
    Object.assign(this.c, s.c);
  }
}

/** The store's tracker: gate sessions + camera tracks + wrist-based association. */
export function createTracker(
  store: StoreModel,
  listener: SessionListener,
  options: TrackerOptions = {},
): Tracker & {
  counters(): TrackerCounters;
} {
  return new StoreTracker(store, listener, options);
}
