import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'walkout-demo-devices-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function demo(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/walkout.mjs', 'demo', ...args], {
      env: { ...process.env, WALKOUT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('walkout demo --devices pty', () => {
  it('runs the store through emulated shelf and gate devices to a settled receipt, then exits cleanly', async () => {
    // Edge, cloud and simulator share one event loop here: at 3× on a loaded CI machine the
    // simulator fell 2.7 s behind the clock, which cost the receipt. At 2×, one shopper in for 22 s.
    // biome-ignore format: flag/value pairs
    const r = await demo(['--devices', 'pty', '--speed', '2', '--preset', 'single', '--seed', '12', '--duration', '10s',
      '--port', '0', '--cloud-port', '0', '--data', join(dir, 'data')]);
    expect(r.out).toMatch(/ready: 23 devices/);
    expect(r.out).toMatch(/→ Demo Shopper 1 entered/);
    expect(r.out).toMatch(/🧾 Demo Shopper 1: .*confidence/);
    expect(r.out).toMatch(/simulation finished, at worst \d+ ms behind the clock/);
    expect(r.out).toMatch(/💳 settled {2}Demo Shopper 1: \d+\.\d\d EUR/);
    expect(r.code).toBe(0);
  }, 150_000);

  it('rejects an unknown device mode naming the option', async () => {
    const r = await demo(['--devices', 'usb', '--data', join(dir, 'bad')]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/--devices: "usb" is not in-process or pty/);
  });
});
