import type {
  CameraPoses,
  Candidate,
  DeviceStatus,
  GatePassage,
  GateScan,
  TracksUpdate,
} from '../../core/messages.ts';
import type { PlateInfo } from '../../core/store/store-model.ts';

/**
 * Shopper tracking and association ("who"): turns gate events and per-camera 2D poses into sessions
 * with 3D tracks, and attributes shelf events to sessions. The fusion engine ("what") drives it.
 * All methods are synchronous and driven by message timestamps, so replays are deterministic.
 */

export interface SessionInfo {
  sessionId: string;
  token: string;
  enteredAt: number;
  /** Tracks currently bound to the session (a group has several). */
  members: number;
}

/** Callbacks the tracker fires as sessions start and end. */
export interface SessionListener {
  opened(s: SessionInfo): void;
  /**
   * The session's last member crossed the exit. `doubt` is set when the track that walked out may
   * have been following another shopper (an unresolved close pass): the cart must not be charged
   * as is, the shopper who scanned in may still be inside.
   */
  exited(s: SessionInfo & { exitedAt: number; doubt?: string }): void;
}

export interface AssociationRequest {
  /** Plates whose weight changed (1-3 adjacent). */
  plates: PlateInfo[];
  /** Event window: from the first disturbance to the settled state. */
  t0: number;
  t1: number;
  /**
   * The event's own attribution (not a what-if: splitting facings, faulted plates): its acting track
   * is remembered as busy for events elsewhere at the same moment (busy-hands.ts).
   */
  decide?: boolean;
}

export interface AssociationResult {
  /** Open sessions that may have caused the event, best first, probabilities summing to 1. */
  candidates: Candidate[];
  /** Set when attribution is not trustworthy (cameras down, nobody near, ...): the event goes to review. */
  uncertain?: string;
  /**
   * Sessions whose shopper the acting track may really be following (a close pass not resolved by
   * heights): the event may be theirs whatever their own tracks' wrists say, so they share the doubt.
   */
  rivals?: string[];
  /**
   * Set when the only doubt is the acting track's identity (a close pass not yet resolved, or
   * contested): the track and the session it is bound to. Heights measured later may settle it
   * (`Tracker.identityStatus`), and then the event is the session's after all.
   */
  identityDoubt?: { trackId: string; sessionId: string };
  /** The winner's track that reached nearest. */
  actor?: string;
}

/**
 * Where a doubt about a track's identity stands: still `doubtful`, `kept` (the track is no longer in
 * an unresolved pass nor contested with any of the rivals, and still bound to the same session), or
 * `lost` (the track ended or now follows another session: the doubt will not be settled).
 */
export type IdentityStatus = 'doubtful' | 'kept' | 'lost';

/** Bad-input and activity counters; exported to Prometheus by edge/tracking/metrics.ts. */
export interface TrackerCounters {
  frames: number;
  detections: number;
  births: number;
  reacquired: number;
  unmatchedDetections: number;
  unknownCamera: number;
  unknownGate: number;
  unscannedPassages: number;
  exitsWithoutTrack: number;
  /** Shoppers the cameras saw walk out with no `out` passage from the door. */
  exitsFromCameras: number;
  /** Scans the door followed with no `in` passage: one shopper assumed in. */
  entriesWithoutPassage: number;
  clockBackwards: number;
  /** Frames older than the camera's previous frame (dropped). */
  cameraBackwards: number;
  /** device.status reports of a camera going down. */
  cameraDown: number;
}

export interface Tracker {
  onGateScan(m: GateScan): void;
  onGatePassage(m: GatePassage): void;
  onPoses(m: CameraPoses): void;
  onDeviceStatus(m: DeviceStatus): void;
  /** Moves the tracker's clock to `t` (ms); may fire `exited` for sessions whose last track left. */
  advance(t: number): void;
  associate(req: AssociationRequest): AssociationResult;
  /**
   * Optional (added later): the sessions whose hands were at these plates during [t0, t1]; with the
   * cameras unavailable, every session inside then.
   */
  reachedInto?(plates: PlateInfo[], t0: number, t1: number): string[];
  /** Optional (added later): whether track `trackId`'s doubt about `rivals` has been settled. */
  identityStatus?(trackId: string, sessionId: string, rivals: string[]): IdentityStatus;
  openSessions(): SessionInfo[];
  /** Positions for the dashboard. */
  snapshot(t: number): TracksUpdate;
  /** JSON-serialisable state for crash recovery, and its inverse. */
  exportState(): unknown;
  importState(state: unknown): void;
  /** Optional (added after the first version): counters for metrics. */
  counters?(): TrackerCounters;
}
