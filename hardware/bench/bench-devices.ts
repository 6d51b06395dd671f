// CPU of a store's device path: `walkout sim --live --devices pty` (the emulators), its
// `walkout devices` child (every driver) and the socat pty pairs, at BENCH_SPEED (default 1: a
// real store's 20 controllers × 60 frames/s) over BENCH_SECONDS. Prints one JSON line last.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const SPEED = Number(process.env.BENCH_SPEED ?? 1);
const TICK = 100; // USER_HZ on Linux

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
  ticks: number;
}

function procs(): Proc[] {
  const out: Proc[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = s.lastIndexOf(')');
      const f = s.slice(close + 2).split(' ');
      out.push({
        pid: Number(d),
        ppid: Number(f[1]),
        comm: s.slice(s.indexOf('(') + 1, close),
        ticks: Number(f[11]) + Number(f[12]),
      });
    } catch {
      // the process exited while listing
    }
  }
  return out;
}

/** CPU ticks by role among `root` and its descendants. */
function sample(root: number): Record<'sim' | 'drivers' | 'socat', number> {
  const all = procs();
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all)
      if (tree.has(p.ppid) && !tree.has(p.pid)) {
        tree.add(p.pid);
        grew = true;
      }
  }
  const r = { sim: 0, drivers: 0, socat: 0 };
  for (const p of all) {
    if (!tree.has(p.pid)) continue;
    if (p.pid === root) r.sim += p.ticks;
    else if (p.comm === 'socat') r.socat += p.ticks;
    else r.drivers += p.ticks;
  }
  return r;
}

const port = 47000 + 2 * Math.floor(Math.random() * 1000);
const endpoints = { publish: `tcp://127.0.0.1:${port}`, subscribe: `tcp://127.0.0.1:${port + 1}` };
const proxy = await startBusProxy(endpoints);
const bus = await ZmqBus.connect(endpoints);
let shelfMsgs = 0;
const plates = new Set<string>();
bus.subscribe('shelf.samples', (m) => {
  shelfMsgs++;
  plates.add(m.plateId);
});
// biome-ignore format: flag/value pairs
const sim = spawn(process.execPath, ['bin/walkout.mjs', 'sim', '--live', '--devices', 'pty', '--speed', String(SPEED),
  '--preset', 'busy', '--duration', `${Math.ceil(SECONDS * SPEED) + 600}s`,
  '--bus-publish', endpoints.publish, '--bus-subscribe', endpoints.subscribe,
], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, WALKOUT_LOG_LEVEL: 'warn' } });
const pid = sim.pid as number;
const deadline = Date.now() + 60_000;
while (shelfMsgs === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
await new Promise((r) => setTimeout(r, 2000)); // past start-up
const c0 = sample(pid);
const m0 = shelfMsgs;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
const c1 = sample(pid);
const wall = (performance.now() - t0) / 1000;
const msgs = shelfMsgs - m0;
sim.kill('SIGINT');
if (sim.exitCode === null) await once(sim, 'exit');
await bus.close();
await proxy.close();
const pct = (k: 'sim' | 'drivers' | 'socat') => Math.round(((c1[k] - c0[k]) / TICK / wall) * 1000) / 10;
process.stdout.write(
  `${JSON.stringify({
    bench: 'devices',
    speed: SPEED,
    seconds: Math.round(wall * 10) / 10,
    plates: plates.size,
    shelfMessagesPerSec: Math.round(msgs / wall),
    expectedPerSec: 200 * 5 * SPEED,
    cpuPctOfOneCore: { emulatorsAndSim: pct('sim'), drivers: pct('drivers'), socat: pct('socat') },
  })}\n`,
);
