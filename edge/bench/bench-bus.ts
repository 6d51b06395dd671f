/**
 * Bus throughput, latency and transport CPU between processes, laid out as on an edge box: a load
 * process publishes 360 plates × 60 Hz (batches of 12 samples) plus 8 cameras × 15 fps of keypoint
 * messages through `walkout bus-proxy` (its own process) to a subscriber that validates every message
 * (the fusion input). `cpuPercent` is the transport only, as a share of one core:
 *   (load process − the same load generated without publishing) + proxy process + subscriber process,
 * i.e. serialisation, batching, zeromq in three processes, parsing and zod validation at receipt.
 * Making the messages (what a driver does anyway) is measured in a separate run and left out.
 * Latency is publish → validated delivery to the subscriber's handler. Prints a JSON line last.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ZmqBus } from '../bus/index.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const port = 41000 + Math.floor(Math.random() * 1000) * 2;
// ipc:// for processes on one box (what the supervisor uses); BUS_TRANSPORT=tcp measures the multi-box path.
const endpoints =
  process.env.BUS_TRANSPORT === 'tcp'
    ? { publish: `tcp://127.0.0.1:${port}`, subscribe: `tcp://127.0.0.1:${port + 1}` }
    : { publish: `ipc:///tmp/walkout-bench-${port}-pub`, subscribe: `ipc:///tmp/walkout-bench-${port}-sub` };
const quiet = { ...process.env, WALKOUT_LOG_LEVEL: 'silent' };

/** CPU ms a process has used so far (Linux /proc; clock ticks are 10 ms). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

type LoadResult = { cpuMs: number; wallMs: number; sent: number };

async function runLoad(mode: 'publish' | 'generate'): Promise<LoadResult> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'edge/bench/bus-load-child.ts',
      mode,
      endpoints.publish,
      endpoints.subscribe,
      String(SECONDS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: quiet },
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  await new Promise((r) => child.on('exit', r));
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as LoadResult;
}

// 1. The cost of making the load alone.
const gen = await runLoad('generate');

// 2. The same load through the proxy to a validating subscriber.
const proxy = spawn(
  process.execPath,
  ['bin/walkout.mjs', 'bus-proxy', '--publish', endpoints.publish, '--subscribe', endpoints.subscribe],
  { stdio: ['ignore', 'pipe', 'inherit'], env: quiet },
);
// Its start-up (loading the CLI through tsx) is not transport: measure from the moment it has bound.
const proxyBound = new Promise<void>((resolve) => {
  let text = '';
  proxy.stdout.on('data', (d) => {
    text += String(d);
    if (text.includes('bus proxy:')) resolve();
  });
});
const bus = await ZmqBus.connect(endpoints);
const latencies: number[] = [];
let received = 0;
const now = () => performance.timeOrigin + performance.now();
bus.subscribe('shelf.samples', (m) => {
  received++;
  latencies.push(now() - m.t0);
});
bus.subscribe('camera.poses', (m) => {
  received++;
  latencies.push(now() - m.t);
});
await proxyBound;
await new Promise((r) => setTimeout(r, 300));
const proxyCpu0 = procCpuMs(proxy.pid as number);
const cpu0 = process.cpuUsage();
const pub = await runLoad('publish');
await new Promise((r) => setTimeout(r, 200));
const subMs = ((c) => (c.user + c.system) / 1000)(process.cpuUsage(cpu0));
const proxyMs = procCpuMs(proxy.pid as number) - proxyCpu0;
await bus.close();
proxy.kill('SIGTERM');
await new Promise((r) => proxy.on('exit', r));

latencies.sort((a, b) => a - b);
const q = (p: number) =>
  Math.round(
    (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN) * 100,
  ) / 100;
// Per second of load: the generate-only run and the publish run may differ slightly in length.
const pubTransportMs = pub.cpuMs - (gen.cpuMs * pub.wallMs) / gen.wallMs;
const pct = (ms: number) => Math.round((ms / pub.wallMs) * 1000) / 10;
const transportMs = pubTransportMs + proxyMs + subMs;
console.error(
  `received ${received} of ${pub.sent} messages in ${SECONDS} s; CPU of one core: publishing ${pct(pubTransportMs)} % ` +
    `(load process ${pct(pub.cpuMs)} % minus generation ${pct((gen.cpuMs * pub.wallMs) / gen.wallMs)} %), ` +
    `proxy ${pct(proxyMs)} %, subscriber (parse + validate) ${pct(subMs)} %; all processes ${pct(pub.cpuMs + proxyMs + subMs)} %`,
);
console.log(
  JSON.stringify({
    msgsPerSec: Math.round(received / SECONDS),
    cpuPercent: pct(transportMs),
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  }),
);
