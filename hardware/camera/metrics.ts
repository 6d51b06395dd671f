import { Counter, Gauge, type Registry } from 'prom-client';
import type { Camera, CameraMetrics } from './index.ts';

type CounterKey = Exclude<keyof CameraMetrics, 'fps' | 'lagMs'>;

const COUNTERS: Array<[CounterKey, string, string]> = [
  ['frames', 'walkout_camera_frames_total', 'Frames delivered by the camera decoder'],
  ['dropped', 'walkout_camera_frames_dropped_total', 'Frames decoded while consumers held every buffer'],
  ['partialFrames', 'walkout_camera_partial_frames_total', 'Frames cut off by a disconnect'],
  ['connects', 'walkout_camera_connects_total', 'Decoder runs that delivered frames'],
  ['reconnects', 'walkout_camera_reconnects_total', 'Recoveries after the stream dropped'],
  ['failedAttempts', 'walkout_camera_failed_attempts_total', 'Connection attempts that delivered no frame'],
  ['disconnects', 'walkout_camera_disconnects_total', 'Streams that were up and then ended'],
  ['stalls', 'walkout_camera_stalls_total', 'Decoders killed for delivering no frame within stallMs'],
];

/**
 * Per-camera prom-client metrics, read at scrape time from each camera's plain counters (the frame
 * path only bumps numbers). `cameras` is read on every scrape, so cameras may come and go.
 */
export function registerCameraMetrics(registry: Registry, cameras: () => Iterable<Camera>): void {
  for (const [key, name, help] of COUNTERS) {
    new Counter({
      name,
      help,
      labelNames: ['camera'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of cameras()) this.inc({ camera: c.cameraId }, c.metrics[key]);
      },
    });
  }
  const gauges: Array<[string, string, (c: Camera) => number]> = [
    ['walkout_camera_fps', 'Delivered frames per second over the last 32 frames', (c) => c.metrics.fps],
    [
      'walkout_camera_lag_ms',
      "Last frame's delivery lag behind the stream's own clock, above the connection's best",
      (c) => c.metrics.lagMs,
    ],
    ['walkout_camera_up', '1 while frames flow', (c) => (c.state === 'streaming' ? 1 : 0)],
  ];
  for (const [name, help, read] of gauges) {
    new Gauge({
      name,
      help,
      labelNames: ['camera'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of cameras()) this.set({ camera: c.cameraId }, read(c));
      },
    });
  }
}
