import { Counter, Histogram, type Registry } from 'prom-client';
import type { CameraPoses } from '../../core/messages.ts';
import type { PoseBackend, RgbFrame } from './index.ts';

export interface VisionMetrics {
  inferenceMs: Histogram<'camera'>;
  processed: Counter<'camera'>;
  skipped: Counter<'camera'>;
}

export function createVisionMetrics(registry: Registry): VisionMetrics {
  return {
    inferenceMs: new Histogram({
      name: 'walkout_vision_inference_ms',
      help: 'Pose inference time per frame',
      labelNames: ['camera'],
      buckets: [10, 25, 50, 100, 200, 400, 800, 1600],
      registers: [registry],
    }),
    processed: new Counter({
      name: 'walkout_vision_frames_processed_total',
      help: 'Frames run through the pose model',
      labelNames: ['camera'],
      registers: [registry],
    }),
    skipped: new Counter({
      name: 'walkout_vision_frames_skipped_total',
      help: 'Frames dropped to stay within the frame budget',
      labelNames: ['camera'],
      registers: [registry],
    }),
  };
}

/**
 * Per-camera frame budget: at most one frame in flight and one waiting. A newer frame replaces the
 * waiting one (counted as skipped), so a slow model falls behind by dropping frames, never by queueing.
 */
export class CameraPoseWorker {
  private busy = false;
  private pending: { frame: RgbFrame; index: number; t: number } | undefined;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    readonly cameraId: string,
    private readonly backend: PoseBackend,
    private readonly emit: (msg: CameraPoses) => void,
    private readonly metrics?: VisionMetrics,
  ) {}

  /** Offers a captured frame; t is the capture time (ms since epoch). */
  offer(frame: RgbFrame, index: number, t: number): void {
    if (this.pending) this.metrics?.skipped.inc({ camera: this.cameraId });
    this.pending = { frame, index, t };
    if (!this.busy) this.idle = this.drain();
  }

  /** Resolves when nothing is in flight or waiting. */
  async flush(): Promise<void> {
    await this.idle;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.pending) {
        const job = this.pending;
        this.pending = undefined;
        const t0 = performance.now();
        const persons = await this.backend.detect(job.frame);
        this.metrics?.inferenceMs.observe({ camera: this.cameraId }, performance.now() - t0);
        this.metrics?.processed.inc({ camera: this.cameraId });
        this.emit({ cameraId: this.cameraId, frame: job.index, t: job.t, persons });
      }
    } finally {
      this.busy = false;
    }
  }
}
