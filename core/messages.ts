import { z } from 'zod';
import { Receipt } from './receipt.ts';

/**
 * The one typed topic map of the bus. Sensors (real drivers or the simulator) publish the input
 * topics; edge stages publish the `edge.*` topics. Every message crossing a process, file or network
 * boundary is parsed with `TopicSchemas[topic]`. Times are milliseconds since the Unix epoch (floats
 * allowed) on the store's clock; device clocks are mapped onto it by the drivers.
 */

const ms = z.number().finite().nonnegative();
const id = z.string().min(1).max(128);

// ---------- sensor inputs ----------

/** A batch of consecutive load-cell readings of one plate (controllers report e.g. 12 samples per message). */
export const ShelfSamples = z.strictObject({
  plateId: id,
  /** Per-plate message counter; a gap means lost messages. */
  seq: z.number().int().nonnegative(),
  /** Timestamp of grams[0]. */
  t0: ms,
  /** Sample period; sample i was taken at t0 + i * periodMs. */
  periodMs: z.number().positive().max(1000),
  /** Net grams on the plate; null marks an invalid ADC reading (saturated, NaN). */
  grams: z.custom<Array<number | null>>(
    (v) =>
      Array.isArray(v) &&
      v.length >= 1 &&
      v.length <= 1024 &&
      v.every((x) => x === null || (typeof x === 'number' && Number.isFinite(x))),
    // One check for the whole array: element-wise schemas dominated replay time (43 M samples an hour).
    { error: 'must be 1 to 1024 finite numbers or null' },
  ),
});
export type ShelfSamples = z.infer<typeof ShelfSamples>;

export const Keypoint = z.tuple([z.number().finite(), z.number().finite(), z.number().min(0).max(1)]);
/** A colour, 0-255 per sRGB channel. */
export type Rgb = [number, number, number];
const isRgb = (v: unknown) =>
  Array.isArray(v) && v.length === 3 && v.every((c) => typeof c === 'number' && c >= 0 && c <= 255);

export const PersonDetection = z.strictObject({
  score: z.number().min(0).max(1),
  /** [x1, y1, x2, y2] in pixels. */
  box: z.tuple([z.number().finite(), z.number().finite(), z.number().finite(), z.number().finite()]),
  /** COCO-17 order: nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles; [x, y, score] in pixels. */
  keypoints: z.custom<Array<z.infer<typeof Keypoint>>>(
    (v) =>
      Array.isArray(v) &&
      v.length === 17 &&
      v.every(
        (k) =>
          Array.isArray(k) &&
          k.length === 3 &&
          Number.isFinite(k[0]) &&
          Number.isFinite(k[1]) &&
          typeof k[2] === 'number' &&
          k[2] >= 0 &&
          k[2] <= 1,
      ),
    { error: 'must be 17 [x, y, score] triples with finite x, y and score in [0, 1]' },
  ),
  /**
   * Clothing colour as the pose worker measured it in the frame (edge/vision/appearance.ts): mean
   * sRGB of the torso (shoulders to hips) and of the thighs (hips to knees), each omitted when too
   * little of it was visible. Not biometric: it describes clothes, and nothing outlives the session.
   */
  appearance: z
    .custom<{ upper?: Rgb; lower?: Rgb }>(
      (v) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.entries(v).every(([k, c]) => (k === 'upper' || k === 'lower') && isRgb(c)),
      // One check for the whole object, as for keypoints: nested schemas per detection cost replay time.
      { error: 'must be { upper?, lower? }, each 3 numbers in [0, 255]' },
    )
    .optional(),
});
export type PersonDetection = z.infer<typeof PersonDetection>;

/** One frame's pose detections of one camera. Carries no identities: a pose model does not know who is who. */
export const CameraPoses = z.strictObject({
  cameraId: id,
  frame: z.number().int().nonnegative(),
  /** Capture time of the frame. */
  t: ms,
  persons: z.array(PersonDetection),
});
export type CameraPoses = z.infer<typeof CameraPoses>;

/** The entry scanner read an entry token (the QR code in the shopper's app). */
export const GateScan = z.strictObject({ gateId: id, t: ms, token: z.string().min(1).max(2048) });
export type GateScan = z.infer<typeof GateScan>;

/** A person passed a gate (door/turnstile sensor). Several `in` passages may follow one scan (a group). */
export const GatePassage = z.strictObject({ gateId: id, t: ms, direction: z.enum(['in', 'out']) });
export type GatePassage = z.infer<typeof GatePassage>;

/**
 * A request to a gate's door controller (e.g. open for staff or after an app check). Input side but
 * not a sensor reading: recordings do not hold it and the engine does not ingest it.
 */
export const GateCommand = z.strictObject({
  gateId: id,
  t: ms,
  action: z.literal('open'),
  /** Who or what asked, for the log (an operator, a session id). */
  ref: z.string().min(1).max(256).optional(),
});
export type GateCommand = z.infer<typeof GateCommand>;

/** Health of a device as seen by its driver. */
export const DeviceStatus = z.strictObject({
  deviceId: id,
  kind: z.enum(['shelf-controller', 'camera', 'gate', 'worker']),
  t: ms,
  status: z.enum(['up', 'degraded', 'down']),
  detail: z.string().max(1000).optional(),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

// ---------- edge outputs ----------

export const Hypothesis = z.strictObject({
  sku: id,
  count: z.number().int().positive(),
  kind: z.enum(['take', 'return']),
  prob: z.number().min(0).max(1),
});
export type Hypothesis = z.infer<typeof Hypothesis>;

export const Candidate = z.strictObject({ sessionId: id, prob: z.number().min(0).max(1) });
export type Candidate = z.infer<typeof Candidate>;

/** A detected shelf interaction: the settled weight change of 1-3 adjacent plates. */
export const ShelfEvent = z.strictObject({
  id,
  t0: ms,
  t1: ms,
  plates: z.array(z.strictObject({ plateId: id, deltaGrams: z.number().finite() })).min(1),
  deltaGrams: z.number().finite(),
  /** Posterior over hypotheses, best first, summing to about 1. */
  hypotheses: z.array(Hypothesis),
  /** Association posterior over sessions, best first. */
  candidates: z.array(Candidate),
  /** The session charged for it, or null when sent to review. */
  sessionId: id.nullable(),
  review: z.string().optional(),
  /**
   * Set on an event first sent to review only because the acting shopper's identity was in doubt
   * after a close pass, once the tracker settled it: when, and the review reason it had.
   */
  settled: z.strictObject({ t: ms, review: z.string() }).optional(),
});
export type ShelfEvent = z.infer<typeof ShelfEvent>;

export const TrackState = z.strictObject({
  trackId: id,
  sessionId: id.nullable(),
  /** Position on the floor [x, y] in metres, store frame. */
  position: z.tuple([z.number(), z.number()]),
  wrists: z.array(z.tuple([z.number(), z.number(), z.number()])).max(2),
});
export const TracksUpdate = z.strictObject({ t: ms, tracks: z.array(TrackState) });
export type TracksUpdate = z.infer<typeof TracksUpdate>;

export const SessionUpdate = z.strictObject({
  sessionId: id,
  token: z.string().min(1),
  t: ms,
  state: z.enum(['open', 'exiting', 'finalised', 'review']),
  members: z.number().int().nonnegative(),
});
export type SessionUpdate = z.infer<typeof SessionUpdate>;

export const Alert = z.strictObject({
  t: ms,
  kind: z.enum([
    'sensor-fault',
    'camera-down',
    'low-stock',
    'misplaced-item',
    'unpaid-exit',
    'worker-restart',
    'other',
  ]),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string().max(2000),
  ref: z.string().max(256).optional(),
});
export type Alert = z.infer<typeof Alert>;

/** Input topics: what sensors publish and recordings hold. */
export const InputTopicSchemas = {
  'shelf.samples': ShelfSamples,
  'camera.poses': CameraPoses,
  'gate.scan': GateScan,
  'gate.passage': GatePassage,
  'device.status': DeviceStatus,
} as const;

export const TopicSchemas = {
  ...InputTopicSchemas,
  'gate.command': GateCommand,
  'edge.shelf-event': ShelfEvent,
  'edge.tracks': TracksUpdate,
  'edge.session': SessionUpdate,
  'edge.receipt': Receipt,
  'edge.alert': Alert,
} as const;

export type TopicMap = { [K in keyof typeof TopicSchemas]: z.infer<(typeof TopicSchemas)[K]> };
export type Topic = keyof TopicMap;
export type InputTopic = keyof typeof InputTopicSchemas;
export const INPUT_TOPICS = Object.keys(InputTopicSchemas) as InputTopic[];
export const TOPICS = Object.keys(TopicSchemas) as Topic[];

export function isTopic(t: string): t is Topic {
  return Object.hasOwn(TopicSchemas, t);
}
