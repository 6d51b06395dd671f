import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceStatus } from '../../core/messages.ts';
import { type Camera, type CameraConfigInput, createCamera } from '../../hardware/camera/index.ts';

/** Polls until `cond` holds; fails with `what` after the deadline (no fixed sleeps in tests). */
export async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export interface Seen {
  seq: number;
  t: number;
  pts: number;
  width: number;
  height: number;
  /** Mean of a sparse sample of bytes, and the sample itself for frame-to-frame differences. */
  mean: number;
  sample: Uint8Array;
}

const SAMPLE_STEP = 101;

/** A camera whose frames and status changes are recorded (copies of a sparse sample, not whole frames). */
export class CameraRig {
  readonly frames: Seen[] = [];
  readonly statuses: DeviceStatus[] = [];
  readonly published: DeviceStatus[] = [];
  readonly camera: Camera;

  constructor(config: Partial<CameraConfigInput> & { url?: string; path?: string }) {
    this.camera = createCamera(
      {
        type: 'rtsp',
        cameraId: 'cam1',
        size: '256x192',
        reconnect: { initialMs: 50, maxMs: 400 },
        stallMs: 3000,
        connectTimeoutMs: 10_000,
        ...config,
      } as CameraConfigInput,
      {
        sink: {
          publish: (topic, msg) => topic === 'device.status' && this.published.push(msg as DeviceStatus),
        },
      },
    );
    this.camera.onStatus((s) => this.statuses.push(s));
    this.camera.onFrame((f) => {
      const sample = new Uint8Array(Math.ceil(f.data.length / SAMPLE_STEP));
      let sum = 0;
      for (let i = 0, j = 0; i < f.data.length; i += SAMPLE_STEP, j++) {
        sample[j] = f.data[i] as number;
        sum += f.data[i] as number;
      }
      this.frames.push({
        seq: f.seq,
        t: f.t,
        pts: f.pts,
        width: f.width,
        height: f.height,
        mean: sum / sample.length,
        sample,
      });
    });
  }

  /** Waits for `n` more frames than have been seen so far. */
  async more(n: number, timeoutMs = 20_000): Promise<Seen[]> {
    const from = this.frames.length;
    await until(() => this.frames.length >= from + n, `${n} more frames`, timeoutMs);
    return this.frames.slice(from);
  }
}

export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs((a[i] as number) - (b[i] as number));
  return s / a.length;
}
