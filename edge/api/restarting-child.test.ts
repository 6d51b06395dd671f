import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/log.ts';
import { RestartingChild } from './restarting-child.ts';

const log = createLogger('test.restarting-child');
const node = (code: string) => spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });

describe('RestartingChild (real child processes)', () => {
  it('kills a child whose output stalls and starts a new one', async () => {
    const pids: number[] = [];
    const rc = new RestartingChild({
      log,
      stallMs: 300,
      minDelayMs: 50,
      // Prints once, then hangs like ffmpeg on a silent RTSP source.
      start: () => {
        const p = node("process.stdout.write('x'); setInterval(() => {}, 1000)");
        p.stdout?.on('data', () => rc.alive());
        if (p.pid) pids.push(p.pid);
        return p;
      },
    });
    await expect.poll(() => rc.restarts, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    expect(new Set(pids).size).toBeGreaterThanOrEqual(3);
    await rc.close();
    const last = pids.at(-1) as number;
    expect(() => process.kill(last, 0)).toThrow();
  });

  it('backs off while a child keeps failing without output, and close() stops restarting', async () => {
    const starts: number[] = [];
    const rc = new RestartingChild({
      log,
      minDelayMs: 50,
      maxDelayMs: 400,
      start: () => {
        starts.push(Date.now());
        return node('process.exit(1)');
      },
    });
    await expect.poll(() => starts.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    await rc.close();
    const n = starts.length;
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] as number));
    // 50, 100, 200, 400, 400 ms (plus process start time): later gaps are longer than the first.
    expect(gaps[3] as number).toBeGreaterThanOrEqual(350);
    expect(gaps[0] as number).toBeLessThan(gaps[3] as number);
    await new Promise((r) => setTimeout(r, 600));
    expect(starts.length).toBe(n);
  });

  it('a missing ffmpeg binary (spawn ENOENT) is retried, not left dead', async () => {
    const rc = new RestartingChild({
      log,
      minDelayMs: 20,
      maxDelayMs: 40,
      start: () => spawn('/nonexistent/ffmpeg', [], { stdio: 'ignore' }),
    });
    await expect.poll(() => rc.restarts, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    await rc.close();
  });

  it('a start() that throws is logged and retried, never thrown', async () => {
    let calls = 0;
    const rc = new RestartingChild({
      log,
      minDelayMs: 20,
      start: () => {
        calls++;
        if (calls < 3) throw new Error('ffmpeg not found');
        return node('setInterval(() => {}, 1000)');
      },
    });
    await expect.poll(() => rc.pid, { timeout: 5000 }).toBeGreaterThan(0);
    expect(calls).toBe(3);
    await rc.close();
  });
});
