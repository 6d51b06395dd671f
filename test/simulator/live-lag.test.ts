import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { privateEndpoints } from '../fixtures/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-live-lag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sim --live that cannot keep up with --speed', () => {
  it('says how far it fell behind the clock, and warns once', async () => {
    const { publish } = privateEndpoints(dir);
    // The busy preset simulates at ~70× real time on one core: 5000× must fall seconds behind.
    // biome-ignore format: flag/value pairs
    const child = spawn(process.execPath, ['bin/walkout.mjs', 'sim', '--live', '--speed', '5000', '--preset', 'busy',
      '--duration', '60s', '--seed', '1', '--bus-publish', publish],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WALKOUT_LOG_LEVEL: 'warn' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code, err).toBe(0);
    const lag = Number(/at worst (\d+) ms behind the clock/.exec(out)?.[1]);
    expect(lag).toBeGreaterThan(1000);
    // Its logs share stdout with the summary line in bus mode.
    const warnings = `${out}\n${err}`.split('\n').filter((l) => l.includes('falls behind the store clock'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ speed: 5000 });
    expect(JSON.parse(warnings[0] ?? '{}').lagMs).toBeGreaterThan(1000);
  }, 60_000);
});
