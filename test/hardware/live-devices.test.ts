import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DeviceStatus, GatePassage, GateScan } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { simulate } from '../../simulator/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-live-devices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function walkout(args: string[], stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['bin/walkout.mjs', ...args], {
    stdio: ['ignore', stdout, 'inherit'],
    env: { ...process.env, WALKOUT_LOG_LEVEL: 'warn' },
  });
}

const SPEED = 10;

describe('a store whose shelves and gates are emulated devices on ptys', () => {
  it('sim --live --devices pty → walkout devices → walkout edge: the receipt matches the ground truth', async () => {
    const port = 48000 + 2 * Math.floor(Math.random() * 2000);
    const endpoints = { publish: `tcp://127.0.0.1:${port}`, subscribe: `tcp://127.0.0.1:${port + 1}` };
    const proxy = await startBusProxy(endpoints);
    const bus = await ZmqBus.connect(endpoints);
    const receipts: Receipt[] = [];
    const scans: GateScan[] = [];
    const passages: GatePassage[] = [];
    const statuses: DeviceStatus[] = [];
    const plates = new Set<string>();
    bus.subscribe('edge.receipt', (r) => receipts.push(r));
    bus.subscribe('gate.scan', (m) => scans.push(m));
    bus.subscribe('gate.passage', (m) => passages.push(m));
    bus.subscribe('device.status', (m) => statuses.push(m));
    bus.subscribe('shelf.samples', (m) => plates.add(m.plateId));
    const busArgs = ['--bus-publish', endpoints.publish, '--bus-subscribe', endpoints.subscribe];
    const edge = walkout(['edge', '--store', 'demo', '--db', join(dir, 'edge.db'), ...busArgs]);
    const children = [edge];
    try {
      // biome-ignore format: flag/value pairs
      const sim = walkout(['sim', '--live', '--devices', 'pty', '--start-delay', '10s', '--speed', String(SPEED),
        '--preset', 'single', '--duration', '20s', '--seed', '4', ...busArgs], 'pipe');
      children.push(sim);
      let simOut = '';
      sim.stdout?.on('data', (b: Buffer) => {
        simOut += b.toString();
      });
      const end = Date.now() + 80_000;
      while (receipts.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(receipts.length).toBeGreaterThanOrEqual(1);
      const run = [...simulate({ store: loadStore('demo'), preset: 'single', seed: 4, durationMs: 20_000 })];
      const truth = run.flatMap((e) => (e.kind === 'truth' && e.truth.truth === 'receipt' ? [e.truth] : []));
      const simPassages = run.flatMap((e) =>
        e.kind === 'message' && e.topic === 'gate.passage' ? [e.msg as GatePassage] : [],
      );
      const simScans = run.flatMap((e) =>
        e.kind === 'message' && e.topic === 'gate.scan' ? [e.msg as GateScan] : [],
      );
      const first = receipts[0] as Receipt;
      const want = truth.find((t) => t.token === first.token);
      expect(want).toBeDefined();
      expect(first.lines.map((l) => [l.sku, l.quantity])).toEqual(
        want?.lines.map((l) => [l.sku, l.quantity]),
      );
      // Everything the edge saw of shelves and gates came through the drivers.
      expect(plates.size).toBe(200);
      expect(scans.length).toBeGreaterThanOrEqual(1);
      expect(new Set(scans.map((s) => s.token)).size).toBe(scans.length); // double reads deduplicated
      expect(passages.some((p) => p.gateId === 'gate-in' && p.direction === 'in')).toBe(true);
      expect(passages.some((p) => p.gateId === 'gate-out' && p.direction === 'out')).toBe(true);
      const up = new Set(statuses.filter((s) => s.status === 'up').map((s) => s.deviceId));
      expect(up.has('sc-01') && up.has('gate-in') && up.has('gate-in.scanner') && up.has('gate-out')).toBe(
        true,
      );
      // Driver time stamps land on the simulation's clock: within a few wall ms × speed of the truth
      // (a wrong clock would be off by the start delay × speed, 100 s).
      const scanIn = simScans.find((x) => x.token === scans[0]?.token);
      expect(Math.abs((scans[0]?.t ?? 0) - (scanIn?.t ?? 0))).toBeLessThan(250 * SPEED);
      const firstIn = passages.find((p) => p.direction === 'in');
      const simIn = simPassages.find((p) => p.direction === 'in');
      expect(Math.abs((firstIn?.t ?? 0) - (simIn?.t ?? 0))).toBeLessThan(250 * SPEED);
      console.log(
        JSON.stringify({
          scanDtMs: (scans[0]?.t ?? 0) - (scanIn?.t ?? 0),
          passageDtMs: (firstIn?.t ?? 0) - (simIn?.t ?? 0),
          simOut: simOut.trim(),
        }),
      );
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
      for (const c of children) if (c.exitCode === null) await once(c, 'exit');
      await bus.close();
      await proxy.close();
    }
  }, 120_000);
});
