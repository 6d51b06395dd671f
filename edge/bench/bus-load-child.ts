// Publisher process of bench:bus: shelf controllers and camera workers at store rates.
import { ZmqBus } from '../bus/zmq-bus.ts';

const [publish, subscribe, seconds] = process.argv.slice(2) as [string, string, string];
const bus = await ZmqBus.connect({ publish, subscribe });
await new Promise((r) => setTimeout(r, 500));
const PLATES = 360;
const CAMERAS = 8;
const start = process.cpuUsage();
const t0 = Date.now();
let tick = 0;
const person = () => ({
  score: 0.9,
  box: [100, 100, 300, 500] as [number, number, number, number],
  keypoints: Array.from({ length: 17 }, (_, k) => [150 + k, 120 + 20 * k, 0.8] as [number, number, number]),
});
// 60 Hz in batches of 12 = 5 messages per plate per second; cameras at 15 fps. One 10 ms timer drives both.
const timer = setInterval(() => {
  tick++;
  const now = Date.now();
  const platesThisTick = Math.round((PLATES * 5 * tick) / 100) - Math.round((PLATES * 5 * (tick - 1)) / 100);
  for (let i = 0; i < platesThisTick; i++)
    bus.publish('shelf.samples', {
      plateId: `p${(tick * 7 + i) % PLATES}`,
      seq: tick,
      t0: now,
      periodMs: 16.667,
      grams: Array(12).fill(512.25),
    });
  const camsThisTick =
    Math.round((CAMERAS * 15 * tick) / 100) - Math.round((CAMERAS * 15 * (tick - 1)) / 100);
  for (let c = 0; c < camsThisTick; c++)
    bus.publish('camera.poses', {
      cameraId: `cam${c}`,
      frame: tick,
      t: now,
      persons: Array.from({ length: 6 }, person),
    });
  if (now - t0 >= Number(seconds) * 1000) {
    clearInterval(timer);
    void bus.flush().then(() => {
      const cpu = process.cpuUsage(start);
      process.stdout.write(
        `${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - t0 })}\n`,
      );
      void bus.close().then(() => process.exit(0));
    });
  }
}, 10);
