/**
 * Bus throughput and latency between processes: a publisher process sends 360 plates × 60 Hz (batches
 * of 12 samples) plus 8 cameras × 15 fps of keypoint messages through the XSUB/XPUB proxy to a
 * subscriber that validates every message (the fusion input). Prints a JSON line last.
 */
import { spawn } from 'node:child_process';
import { startBusProxy, ZmqBus } from '../bus/index.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const port = 41000 + Math.floor(Math.random() * 1000) * 2;
// ipc:// for processes on one box (what the supervisor uses); BUS_TRANSPORT=tcp measures the multi-box path.
const endpoints =
  process.env.BUS_TRANSPORT === 'tcp'
    ? { publish: `tcp://127.0.0.1:${port}`, subscribe: `tcp://127.0.0.1:${port + 1}` }
    : { publish: `ipc:///tmp/walkout-bench-${port}-pub`, subscribe: `ipc:///tmp/walkout-bench-${port}-sub` };
const proxy = await startBusProxy(endpoints);
const bus = await ZmqBus.connect(endpoints);
const latencies: number[] = [];
let received = 0;
bus.subscribe('shelf.samples', (m) => {
  received++;
  latencies.push(Date.now() - m.t0);
});
bus.subscribe('camera.poses', (m) => {
  received++;
  latencies.push(Date.now() - m.t);
});
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    'edge/bench/bus-load-child.ts',
    endpoints.publish,
    endpoints.subscribe,
    String(SECONDS),
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
  },
);
let out = '';
child.stdout.on('data', (d) => {
  out += String(d);
});
await new Promise((r) => setTimeout(r, 400));
const cpu0 = process.cpuUsage();
const wall0 = Date.now();
await new Promise((r) => child.on('exit', r));
await new Promise((r) => setTimeout(r, 200));
const wall = Date.now() - wall0;
const cpu = process.cpuUsage(cpu0);
const pub = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { cpuMs: number; wallMs: number };
await bus.close();
await proxy.close();
latencies.sort((a, b) => a - b);
const q = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
const cpuPercent = ((pub.cpuMs + (cpu.user + cpu.system) / 1000) / Math.max(pub.wallMs, wall)) * 100;
console.error(
  `received ${received} messages in ${SECONDS} s; publisher CPU ${pub.cpuMs.toFixed(0)} ms, subscriber+proxy CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`,
);
console.log(
  JSON.stringify({
    msgsPerSec: Math.round(received / SECONDS),
    cpuPercent: Math.round(cpuPercent * 10) / 10,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  }),
);
