// Load process of bench:bus: shelf controllers and camera workers at store rates. Mode `publish`
// sends every message through the bus; mode `generate` builds the same messages on the same timer
// and drops them, so the parent can subtract the cost of making the load from the cost of moving it.
import { ZmqBus } from '../bus/zmq-bus.ts';

const [mode, publish, subscribe, seconds] = process.argv.slice(2) as [string, string, string, string];
const bus = mode === 'publish' ? await ZmqBus.connect({ publish, subscribe }) : undefined;
if (bus) await new Promise((r) => setTimeout(r, 500));
const PLATES = 360;
const CAMERAS = 8;
let sink: unknown;
const send = bus ? bus.publish.bind(bus) : (_topic: string, msg: unknown) => void (sink = msg);
// Sub-millisecond wall clock: the subscriber measures latency against the same clock.
const now = () => performance.timeOrigin + performance.now();
const start = process.cpuUsage();
const t0 = Date.now();
let tick = 0;
const person = () => ({
  score: 0.9,
  box: [100, 100, 300, 500] as [number, number, number, number],
  keypoints: Array.from({ length: 17 }, (_, k) => [150 + k, 120 + 20 * k, 0.8] as [number, number, number]),
});
// 60 Hz in batches of 12 = 5 messages per plate per second; cameras at 15 fps. One 10 ms timer drives
// both; counts follow elapsed time, so a late timer sends more rather than the rate drifting low.
let plateMsgs = 0;
let cameraMsgs = 0;
const timer = setInterval(() => {
  tick++;
  const elapsedS = (Date.now() - t0) / 1000;
  const platesThisTick = Math.floor(PLATES * 5 * elapsedS) - plateMsgs;
  for (let i = 0; i < platesThisTick; i++)
    send('shelf.samples', {
      plateId: `p${plateMsgs++ % PLATES}`,
      seq: tick,
      t0: now(),
      periodMs: 16.667,
      grams: Array(12).fill(512.25),
    });
  const camsThisTick = Math.floor(CAMERAS * 15 * elapsedS) - cameraMsgs;
  for (let c = 0; c < camsThisTick; c++)
    send('camera.poses', {
      cameraId: `cam${cameraMsgs++ % CAMERAS}`,
      frame: tick,
      t: now(),
      persons: Array.from({ length: 6 }, person),
    });
  if (Date.now() - t0 >= Number(seconds) * 1000) {
    clearInterval(timer);
    void (bus?.flush() ?? Promise.resolve()).then(() => {
      const cpu = process.cpuUsage(start);
      process.stdout.write(
        `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - t0, sent: bus?.counters.sent ?? 0, kept: sink !== undefined })}\n`,
      );
      void (bus?.close() ?? Promise.resolve()).then(() => process.exit(0));
    });
  }
}, 10);
