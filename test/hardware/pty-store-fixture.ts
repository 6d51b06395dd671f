import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DeviceStatus, GatePassage, GateScan } from '../../core/messages.ts';
import type { Receipt, TruthReceipt } from '../../core/receipt.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { simulate } from '../../simulator/index.ts';
import { privateEndpoints } from '../fixtures/ports.ts';
import { waitFor } from './gate-fixture.ts';

export type Counters = Record<string, Record<string, number>>;

export interface PtyStoreRun {
  receipts: Receipt[];
  scans: GateScan[];
  passages: GatePassage[];
  statuses: DeviceStatus[];
  plates: Set<string>;
  /** The drivers' counters at exit (from the walkout devices child's log). */
  metrics: Counters;
  simOut: string;
  /** Store ms the simulation ran behind its clock at worst (from its summary line; -1 if none). */
  lagMs: number;
  truth: TruthReceipt[];
  simScans: GateScan[];
  simPassages: GatePassage[];
}

function walkout(args: string[], output: 'ignore' | 'pipe', level: string): ChildProcess {
  return spawn(process.execPath, ['bin/walkout.mjs', ...args], {
    stdio: ['ignore', output, output === 'pipe' ? 'pipe' : 'inherit'],
    env: { ...process.env, WALKOUT_LOG_LEVEL: level },
  });
}

/**
 * Proxy, `walkout edge` and `walkout sim --live --devices pty` (which runs `walkout devices`) as
 * separate processes on a loopback zeromq bus; a single-shopper run (seed 4) until the first receipt
 * and the drivers' exit report.
 */
export async function runPtyStore(o: { speed: number; extra?: string[] }): Promise<PtyStoreRun> {
  const dir = mkdtempSync(join(tmpdir(), 'walkout-pty-store-'));
  const endpoints = privateEndpoints(dir);
  const proxy = await startBusProxy(endpoints);
  const bus = await ZmqBus.connect(endpoints);
  const run: PtyStoreRun = {
    receipts: [],
    scans: [],
    passages: [],
    statuses: [],
    plates: new Set(),
    metrics: {},
    simOut: '',
    lagMs: -1,
    truth: [],
    simScans: [],
    simPassages: [],
  };
  bus.subscribe('edge.receipt', (r) => run.receipts.push(r));
  bus.subscribe('gate.scan', (m) => run.scans.push(m));
  bus.subscribe('gate.passage', (m) => run.passages.push(m));
  bus.subscribe('device.status', (m) => run.statuses.push(m));
  bus.subscribe('shelf.samples', (m) => run.plates.add(m.plateId));
  const busArgs = ['--bus-publish', endpoints.publish, '--bus-subscribe', endpoints.subscribe];
  const children = [
    walkout(['edge', '--store', 'demo', '--db', join(dir, 'edge.db'), ...busArgs], 'ignore', 'warn'),
  ];
  let metrics: Counters | undefined;
  try {
    // biome-ignore format: flag/value pairs
    const sim = walkout(['sim', '--live', '--devices', 'pty', '--start-delay', '10s', '--speed', String(o.speed),
      '--preset', 'single', '--duration', '20s', '--seed', '4', ...(o.extra ?? []), ...busArgs], 'pipe', 'info');
    children.push(sim);
    sim.stdout?.on('data', (b: Buffer) => {
      run.simOut += b.toString();
    });
    createInterface({ input: sim.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      if (!line.includes('device metrics at exit')) return;
      const {
        level: _l,
        time: _t,
        module: _m,
        msg: _msg,
        ...rest
      } = JSON.parse(line) as Record<string, unknown>;
      metrics = rest as Counters;
    });
    await waitFor(() => run.receipts.length > 0, 'a receipt', 80_000);
    // The sim ends the run and stops its drivers, which then report their counters.
    await waitFor(() => metrics !== undefined, "the drivers' exit report", 60_000);
    run.metrics = metrics as Counters;
  } finally {
    const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
    for (const c of children) if (running(c)) c.kill('SIGINT');
    for (const c of children) if (running(c)) await once(c, 'exit');
    await bus.close();
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  }
  run.lagMs = Number(/at worst (\d+) ms behind the clock/.exec(run.simOut)?.[1] ?? -1);
  // The same simulation in-process gives the truth the edge never saw.
  for (const e of simulate({ store: loadStore('demo'), preset: 'single', seed: 4, durationMs: 20_000 })) {
    if (e.kind === 'truth' && e.truth.truth === 'receipt') run.truth.push(e.truth);
    else if (e.kind === 'message' && e.topic === 'gate.scan') run.simScans.push(e.msg as GateScan);
    else if (e.kind === 'message' && e.topic === 'gate.passage') run.simPassages.push(e.msg as GatePassage);
  }
  return run;
}

export const lines = (r: { lines: Array<{ sku: string; quantity: number }> } | undefined) =>
  r?.lines.map((l) => [l.sku, l.quantity]);
