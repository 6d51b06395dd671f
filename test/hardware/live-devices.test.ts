import { describe, expect, it } from 'vitest';
import { lines, runPtyStore } from './pty-store-fixture.ts';

// Emulators, socat and drivers cost about a fifth of a core at real time (bench:devices): at 10× a
// two-core machine fell seconds behind the clock and the late time stamps cost the receipt.
const SPEED = 3;

describe('a store whose shelves and gates are emulated devices on ptys', () => {
  it('sim --live --devices pty → walkout devices → walkout edge: the receipt matches the ground truth', async () => {
    const run = await runPtyStore({ speed: SPEED });
    const first = run.receipts[0];
    const want = run.truth.find((t) => t.token === first?.token);
    expect(want).toBeDefined();
    expect(lines(first), `simulation ${run.lagMs} ms behind the clock at worst`).toEqual(lines(want));
    // Everything the edge saw of shelves and gates came through the drivers.
    expect(run.plates.size).toBe(200);
    expect(run.scans.length).toBeGreaterThanOrEqual(1);
    expect(new Set(run.scans.map((s) => s.token)).size).toBe(run.scans.length); // double reads deduplicated
    expect(run.passages.some((p) => p.gateId === 'gate-in' && p.direction === 'in')).toBe(true);
    expect(run.passages.some((p) => p.gateId === 'gate-out' && p.direction === 'out')).toBe(true);
    // One walkout devices process drove all 23 links: 20 shelf controllers, 2 doors, 1 scanner.
    expect(Object.keys(run.metrics).sort()).toEqual(
      expect.arrayContaining(['gate-in', 'gate-in.scanner', 'gate-out', 'sc-01', 'sc-20']),
    );
    expect(Object.keys(run.metrics)).toHaveLength(23);
    // Clean links: nothing dropped on any of the 23.
    for (const [id, c] of Object.entries(run.metrics)) {
      const bad = (c.crcErrors ?? 0) + (c.malformed ?? 0) + (c.badChecksums ?? 0) + (c.nonPrintable ?? 0);
      expect(bad, id).toBe(0);
    }
    expect(run.metrics['gate-in.scanner']?.duplicates).toBeGreaterThanOrEqual(run.scans.length);
    // Driver time stamps land on the simulation's clock: within a wall second × speed of the truth even
    // on a loaded machine (a wrong clock would be off by the start delay × speed, 100 s).
    const scan = run.scans[0];
    const simScan = run.simScans.find((x) => x.token === scan?.token);
    expect(Math.abs((scan?.t ?? 0) - (simScan?.t ?? 0))).toBeLessThan(1000 * SPEED);
    const firstIn = run.passages.find((p) => p.direction === 'in');
    const simIn = run.simPassages.find((p) => p.direction === 'in');
    expect(Math.abs((firstIn?.t ?? 0) - (simIn?.t ?? 0))).toBeLessThan(1000 * SPEED);
    console.log(
      JSON.stringify({
        scanDtMs: (scan?.t ?? 0) - (simScan?.t ?? 0),
        passageDtMs: (firstIn?.t ?? 0) - (simIn?.t ?? 0),
        lagMs: run.lagMs,
        sc01: run.metrics['sc-01'],
      }),
    );
  }, 150_000);
});
