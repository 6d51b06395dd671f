import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startBusProxy, ZmqBus } from '../../edge/bus/index.ts';
import { privateEndpoints } from '../fixtures/ports.ts';
import { waitFor } from './gate-fixture.ts';

/** Processes whose command line contains `needle`, with their parent pid. */
function findProcs(needle: string): Array<{ pid: number; ppid: number; cmd: string }> {
  const out: Array<{ pid: number; ppid: number; cmd: string }> = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
      if (!cmd.includes(needle)) continue;
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      out.push({ pid: Number(d), ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), cmd });
    } catch {
      // exited while listing
    }
  }
  return out;
}

describe('sim --live --devices pty when the drivers process is killed', () => {
  it('restarts walkout devices after kill -9; the drivers reopen the ptys and every plate reports again', async () => {
    // Random tcp ports collided with other tests' ephemeral ports (EADDRINUSE in CI): unix sockets.
    const endpoints = privateEndpoints();
    const proxy = await startBusProxy(endpoints);
    const bus = await ZmqBus.connect(endpoints);
    const last = new Map<string, number>();
    bus.subscribe('shelf.samples', (m) => last.set(m.plateId, Date.now()));
    let sim: ChildProcess | undefined;
    let out = '';
    try {
      // biome-ignore format: flag/value pairs
      sim = spawn(process.execPath, ['bin/walkout.mjs', 'sim', '--live', '--devices', 'pty', '--start-delay', '12s',
        '--speed', '2', '--preset', 'single', '--duration', '10s', '--seed', '3',
        '--bus-publish', endpoints.publish, '--bus-subscribe', endpoints.subscribe,
      ], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, WALKOUT_LOG_LEVEL: 'error' } });
      sim.stdout?.on('data', (b: Buffer) => {
        out += b.toString();
      });
      const simPid = sim.pid as number;
      await waitFor(() => last.size === 200, 'samples of all 200 plates', 40_000);
      const drivers = findProcs(' devices --store').filter((p) => p.ppid === simPid);
      expect(drivers).toHaveLength(1);
      const dir = /--config (\S+)\/devices\.json/.exec(drivers[0]?.cmd ?? '')?.[1] as string;
      expect(dir).toBeTruthy();
      process.kill(drivers[0]?.pid as number, 'SIGKILL');
      const killedAt = Date.now();
      // (Not waiting for the restarted drivers' device.status up: published while the new process's
      // bus is still joining, it can be lost. The samples are what counts.)
      await waitFor(
        () => [...last.values()].filter((t) => t > killedAt + 500).length === 200,
        'every plate reporting after the restart',
        30_000,
      );
      const again = findProcs(' devices --store').filter((p) => p.ppid === simPid);
      expect(again).toHaveLength(1);
      expect(again[0]?.pid).not.toBe(drivers[0]?.pid);
      sim.kill('SIGINT');
      const [code] = (await once(sim, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(out).toMatch(/1 driver restarts/);
      // Nothing of the run is left behind: no socat pair, no drivers process.
      await waitFor(() => findProcs(dir).length === 0, 'socat pairs and drivers gone', 5000);
    } finally {
      if (sim && sim.exitCode === null && sim.signalCode === null) {
        sim.kill('SIGKILL');
        await once(sim, 'exit');
      }
      await bus.close();
      await proxy.close();
    }
  }, 90_000);
});
