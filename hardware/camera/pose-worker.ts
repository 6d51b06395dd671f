import { createLogger, type Logger } from '../../core/log.ts';
import { CameraPoses, type PersonDetection } from '../../core/messages.ts';
import type { Bus } from '../../edge/bus/index.ts';
import { withAppearance } from '../../edge/vision/appearance.ts';
import type { VisionMetrics } from '../../edge/vision/frame-budget.ts';
import type { PoseBackend } from '../../edge/vision/index.ts';
import type { CameraFrame } from './frame-ring.ts';
import type { Camera } from './index.ts';

export interface PoseWorkerCounters {
  /** Frames run through the pose model. */
  processed: number;
  /** Frames replaced by a newer one while the model was busy (the frame budget at work). */
  skipped: number;
  /** Inference failures; the frame is skipped and the worker carries on. */
  errors: number;
  /** Messages that failed the camera.poses schema (never published). */
  invalid: number;
  published: number;
}

/**
 * Camera frames → pose model → `camera.poses`, within a frame budget: one frame in inference and at
 * most one waiting; a newer frame replaces the waiting one, so a model slower than the stream drops
 * frames instead of queueing them (latency stays one inference, not a growing backlog).
 */
export class CameraPoseWorker {
  readonly counters: PoseWorkerCounters = { processed: 0, skipped: 0, errors: 0, invalid: 0, published: 0 };
  private pending: CameraFrame | undefined;
  private busy: Promise<void> | undefined;
  private readonly unsubscribe: () => void;
  private readonly log: Logger;
  private stopped = false;

  constructor(
    private readonly camera: Camera,
    private readonly backend: PoseBackend,
    private readonly bus: Pick<Bus, 'publish'>,
    /** Publish coordinates in this [width, height] (the store camera's calibrated resolution). */
    private readonly resolution?: [number, number],
    private readonly metrics?: VisionMetrics,
  ) {
    this.log = createLogger('hardware.camera.poses', { cameraId: camera.cameraId });
    this.unsubscribe = camera.onFrame((f) => this.offer(f));
  }

  private offer(frame: CameraFrame): void {
    if (this.stopped) return;
    if (this.pending) {
      this.pending.release();
      this.counters.skipped++;
      this.metrics?.skipped.inc({ camera: this.camera.cameraId });
    }
    frame.retain();
    this.pending = frame;
    this.busy ??= this.drain().finally(() => {
      this.busy = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let job = this.pending; job; job = this.pending) {
      this.pending = undefined;
      try {
        const t0 = performance.now();
        // Colours are read from the frame the model saw, before coordinates are scaled.
        const persons = withAppearance(job, await this.backend.detect(job));
        this.metrics?.inferenceMs.observe({ camera: this.camera.cameraId }, performance.now() - t0);
        this.metrics?.processed.inc({ camera: this.camera.cameraId });
        this.counters.processed++;
        this.publish(job, persons);
      } catch (err) {
        this.counters.errors++;
        this.log.warn({ err, frame: job.seq }, 'pose inference failed, frame skipped');
      } finally {
        job.release();
      }
    }
  }

  private publish(frame: CameraFrame, persons: PersonDetection[]): void {
    const [w, h] = this.resolution ?? [frame.width, frame.height];
    const sx = w / frame.width;
    const sy = h / frame.height;
    const scaled =
      sx === 1 && sy === 1
        ? persons
        : persons.map((p) => ({
            score: p.score,
            box: [p.box[0] * sx, p.box[1] * sy, p.box[2] * sx, p.box[3] * sy] as PersonDetection['box'],
            keypoints: p.keypoints.map(([x, y, s]) => [x * sx, y * sy, s] as [number, number, number]),
            ...(p.appearance ? { appearance: p.appearance } : {}),
          }));
    const msg = { cameraId: this.camera.cameraId, frame: frame.seq, t: frame.t, persons: scaled };
    const ok = CameraPoses.safeParse(msg);
    if (!ok.success) {
      this.counters.invalid++;
      this.log.warn({ frame: frame.seq, issue: ok.error.issues[0]?.message }, 'invalid camera.poses dropped');
      return;
    }
    this.bus.publish('camera.poses', ok.data);
    this.counters.published++;
  }

  /** Stops taking frames and waits for the one in inference. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.pending?.release();
    this.pending = undefined;
    await this.busy;
  }
}
