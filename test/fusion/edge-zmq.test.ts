import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { Receipt } from '../../core/receipt.ts';
import { openRecording } from '../../core/recording/index.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { writeCraftedRecording } from './crafted-recording.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-edge-zmq-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('walkout edge on the zeromq bus', () => {
  it('consumes live inputs from the bus and publishes receipts on edge.receipt', async () => {
    const store = loadStore('demo');
    const rec = join(dir, 'rec.ndjson');
    const truth = await writeCraftedRecording(rec, store, { shoppers: 2, truth: false, seed: 9 });
    const endpoints = { publish: `ipc://${join(dir, 'pub')}`, subscribe: `ipc://${join(dir, 'sub')}` };
    const proxy = await startBusProxy(endpoints);
    const bus = await ZmqBus.connect(endpoints);
    const receipts: Receipt[] = [];
    bus.subscribe('edge.receipt', (r) => receipts.push(r));
    const child = spawn(
      process.execPath,
      [
        'bin/walkout.mjs',
        'edge',
        '--store',
        'demo',
        '--db',
        join(dir, 'edge.db'),
        '--bus-publish',
        endpoints.publish,
        '--bus-subscribe',
        endpoints.subscribe,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, WALKOUT_LOG_LEVEL: 'info' } },
    );
    children.push(child);
    // zeromq drops frames published before a subscriber is connected: wait for the engine to run.
    const running = new Promise<void>((resolve) => {
      let out = '';
      child.stdout?.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('edge engine running')) resolve();
      });
    });
    try {
      await Promise.race([running, sleep(30_000)]);
      await sleep(500);
      const r = await openRecording(rec);
      let n = 0;
      for await (const e of r.entries()) {
        if (e.kind !== 'message') continue;
        bus.publish(e.topic, e.msg);
        if (++n % 200 === 0) await bus.flush();
      }
      await bus.flush();
      for (let i = 0; i < 100 && receipts.length < truth.length; i++) await sleep(100);
      expect(receipts.map((x) => x.token).sort()).toEqual(truth.map((t) => t.token).sort());
      for (const t of truth) {
        const got = receipts.find((x) => x.token === t.token);
        expect(got?.lines.map((l) => [l.sku, l.quantity])).toEqual(
          [...t.lines].sort((a, b) => (a.sku < b.sku ? -1 : 1)).map((l) => [l.sku, l.quantity]),
        );
      }
    } finally {
      child.kill('SIGTERM');
      await bus.close();
      await proxy.close();
    }
  }, 60_000);
});
