import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CameraPoses } from '../../../core/messages.ts';
import { createPoseBackend, type PoseBackend } from '../../../edge/vision/index.ts';
import { fetchModels } from '../../../models/fetch.ts';
import { start } from '../../../test/fixtures/rtsp-server.ts';
import { type Camera, createCamera } from '../index.ts';
import { CameraPoseWorker } from '../pose-worker.ts';
import { ThreadedPoseBackend } from '../threaded-backend.ts';

/**
 * Camera ingestion benchmark: BENCH_CAMERAS (default 4) cameras, each an RTSP stream of vtest footage
 * (10 fps, 768×576 H.264) from the local GStreamer RTSP server, decoded by its own ffmpeg and scaled to
 * BENCH_SIZE (default 512x384) rgb24. Measured over BENCH_SECONDS (default 10) after a 2 s warm-up:
 * delivered fps per camera, delivery lag (see CameraMetrics.lagMs) p50/p95/max, inter-arrival jitter,
 * drops, and CPU % of one core for the decoders, this process and the server. With BENCH_POSE=1 the
 * first camera also feeds the pose worker (MoveNet MultiPose, wasm in a worker thread, input
 * BENCH_INPUT=256; BENCH_POSE=main runs it on the main thread instead, for comparison): poses/s,
 * frames skipped by the frame budget, capture-to-publish latency. Last line: {"cameras":N, ...}.
 */
const N = Number(process.env.BENCH_CAMERAS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SIZE = process.env.BENCH_SIZE ?? '512x384';
const TICK = 100; // clock ticks per second on Linux (getconf CLK_TCK)

/** utime + stime of a process, seconds; 0 when it is gone. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.floor(p * s.length))] as number) : Number.NaN;
};
const r1 = (v: number): number => Math.round(v * 10) / 10;

const mounts = Array.from({ length: N }, (_, i) => `/cam${i + 1}`);
const srv = await start({ mounts });
const cameras: Camera[] = [];
const lags = new Map<string, number[]>();
const arrivals = new Map<string, number[]>();
let measuring = false;
for (const m of mounts) {
  const cam = createCamera({ type: 'rtsp', cameraId: m.slice(1), url: srv.urlOf(m), size: SIZE });
  lags.set(cam.cameraId, []);
  arrivals.set(cam.cameraId, []);
  cam.onFrame((f) => {
    if (!measuring) return;
    lags.get(f.cameraId)?.push(cam.metrics.lagMs);
    arrivals.get(f.cameraId)?.push(f.t);
  });
  cameras.push(cam);
  cam.start();
}
await Promise.all(cameras.map((c) => c.waitStreaming(30_000)));
// BENCH_POSE=1: inference in a worker thread (as `walkout camera` runs it); main: on the main thread.
const POSE = process.env.BENCH_POSE === '1' || process.env.BENCH_POSE === 'main';
let backend: PoseBackend | undefined;
let worker: CameraPoseWorker | undefined;
const publishLatency: number[] = [];
if (POSE) {
  await fetchModels(['movenet-multipose']);
  const vision = { backend: 'wasm', inputSize: Number(process.env.BENCH_INPUT ?? 256) } as const;
  backend =
    process.env.BENCH_POSE === 'main'
      ? await createPoseBackend(vision)
      : await ThreadedPoseBackend.create(vision);
  const sink = {
    publish: (_topic: string, m: unknown) => {
      if (measuring) publishLatency.push(Date.now() - (m as CameraPoses).t);
    },
  };
  worker = new CameraPoseWorker(cameras[0] as Camera, backend, sink as never);
}
await sleep(2000);

const pids = () => [...cameras.map((c) => c.decoderPid), srv.pid];
const cpu0 = pids().map(cpuSeconds);
const self0 = process.cpuUsage();
const framesAt = cameras.map((c) => c.metrics.frames);
const droppedAt = cameras.map((c) => c.metrics.dropped);
const t0 = performance.now();
measuring = true;
await sleep(SECONDS * 1000);
measuring = false;
const wall = (performance.now() - t0) / 1000;
const cpu1 = pids().map(cpuSeconds);
const poseCounters = worker ? { ...worker.counters } : undefined;
const self = process.cpuUsage(self0);

const perCamera = cameras.map((c, i) => {
  const ts = arrivals.get(c.cameraId) ?? [];
  const gaps = ts.slice(1).map((t, k) => t - (ts[k] as number));
  const mean = gaps.reduce((a, b) => a + b, 0) / (gaps.length || 1);
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length || 1));
  const lag = lags.get(c.cameraId) ?? [];
  return {
    camera: c.cameraId,
    fps: r1((c.metrics.frames - (framesAt[i] as number)) / wall),
    lagMsP50: r1(pct(lag, 0.5)),
    lagMsP95: r1(pct(lag, 0.95)),
    lagMsMax: r1(Math.max(...lag)),
    jitterMs: r1(sd),
    dropped: c.metrics.dropped - (droppedAt[i] as number),
    reconnects: c.metrics.reconnects,
  };
});
const decoderCpu = cpu1.slice(0, N).map((v, i) => (100 * (v - (cpu0[i] as number))) / wall);
const summary = {
  cameras: N,
  size: SIZE,
  seconds: r1(wall),
  fpsMin: Math.min(...perCamera.map((c) => c.fps)),
  fpsMean: r1(perCamera.reduce((a, c) => a + c.fps, 0) / N),
  lagMsP95Max: Math.max(...perCamera.map((c) => c.lagMsP95)),
  dropped: perCamera.reduce((a, c) => a + c.dropped, 0),
  cpuPctPerDecoder: r1(decoderCpu.reduce((a, b) => a + b, 0) / N),
  cpuPctIngestProcess: r1((100 * (self.user + self.system)) / 1e6 / wall),
  cpuPctRtspServer: r1((100 * ((cpu1[N] as number) - (cpu0[N] as number))) / wall),
  ...(POSE && poseCounters
    ? {
        poseFps: r1(publishLatency.length / wall),
        poseSkippedPct: r1((100 * poseCounters.skipped) / (poseCounters.skipped + poseCounters.processed)),
        poseLatencyMsP50: r1(pct(publishLatency, 0.5)),
        poseLatencyMsP95: r1(pct(publishLatency, 0.95)),
      }
    : {}),
  perCamera,
};
await worker?.stop();
await backend?.dispose();
await Promise.all(cameras.map((c) => c.close()));
await srv.stop();
for (const c of perCamera) process.stdout.write(`# ${JSON.stringify(c)}\n`);
process.stdout.write(`${JSON.stringify(summary)}\n`);
