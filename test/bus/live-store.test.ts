import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../core/receipt.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { simulate } from '../../simulator/index.ts';
import { privateEndpoints } from '../fixtures/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-live-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function walkout(args: string[]): ChildProcess {
  return spawn(process.execPath, ['bin/walkout.mjs', ...args], {
    stdio: 'ignore',
    env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
  });
}

describe('a store as separate processes on the zeromq bus', () => {
  it('sim --live feeds walkout edge, whose receipt matches the ground truth', async () => {
    const endpoints = privateEndpoints(dir);
    const proxy = await startBusProxy(endpoints);
    const bus = await ZmqBus.connect(endpoints);
    const receipts: Receipt[] = [];
    bus.subscribe('edge.receipt', (r) => receipts.push(r));
    const busArgs = ['--bus-publish', endpoints.publish, '--bus-subscribe', endpoints.subscribe];
    const edge = walkout(['edge', '--store', 'demo', '--db', join(dir, 'edge.db'), ...busArgs]);
    const children = [edge];
    try {
      await new Promise((r) => setTimeout(r, 2500));
      const sim = walkout([
        'sim',
        '--live',
        '--speed',
        '20',
        '--preset',
        'single',
        '--duration',
        '20s',
        '--seed',
        '4',
        '--bus-publish',
        endpoints.publish,
      ]);
      children.push(sim);
      const end = Date.now() + 60_000;
      while (receipts.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(receipts.length).toBeGreaterThanOrEqual(1);
      // The same simulation in-process gives the truth the edge never saw.
      const truth = [
        ...simulate({ store: loadStore('demo'), preset: 'single', seed: 4, durationMs: 20_000 }),
      ].flatMap((e) => (e.kind === 'truth' && e.truth.truth === 'receipt' ? [e.truth] : []));
      const first = receipts[0] as Receipt;
      const want = truth.find((t) => t.token === first.token);
      expect(want).toBeDefined();
      expect(first.lines.map((l) => [l.sku, l.quantity])).toEqual(
        want?.lines.map((l) => [l.sku, l.quantity]),
      );
    } finally {
      for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
      for (const c of children) if (c.exitCode === null) await once(c, 'exit');
      await bus.close();
      await proxy.close();
    }
  }, 90_000);
});
