import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClockMap } from '../../hardware/shelf/clock-map.ts';

const T0 = Date.UTC(2026, 0, 5, 9);

describe('ClockMap', () => {
  it('tracks offset and drift within the smallest transport delay', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: -200, max: 200 }),
        fc.integer(),
        (boot, ppm, seed) => {
          let rnd = seed >>> 0 || 1;
          const next = (): number => {
            rnd = (rnd * 1103515245 + 12345) >>> 0;
            return rnd / 2 ** 32;
          };
          const clock = new ClockMap();
          let maxErr = 0;
          for (let i = 0; i < 3600; i++) {
            const trueT = T0 + (i * 1000) / 60;
            const deviceMs = Math.floor(boot + ((i * 1000) / 60) * (1 + ppm * 1e-6));
            const delay = next() < 0.1 ? 2 + next() * 60 : 2 + next() * 4; // mostly fast, some bursts
            const t = clock.map(deviceMs, trueT + delay);
            if (i > 120) maxErr = Math.max(maxErr, Math.abs(t - trueT));
          }
          // Delay floor 2 ms + whole-ms device stamps + 200 ppm over a 10 s window.
          expect(maxErr).toBeLessThan(8);
          expect(clock.jumps).toBe(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('re-estimates after a device clock jump in either direction and never goes backwards', () => {
    const clock = new ClockMap();
    let device = 1_000_000;
    let last = 0;
    const errs: number[] = [];
    for (let i = 0; i < 1200; i++) {
      if (i === 400) device += 3_600_000;
      if (i === 800) device -= 5_000_000;
      const trueT = T0 + (i * 1000) / 60;
      const t = clock.map(Math.floor(device + (i * 1000) / 60), trueT + 3);
      expect(t).toBeGreaterThanOrEqual(last);
      expect(t).toBeLessThanOrEqual(trueT + 3);
      last = t;
      errs.push(Math.abs(t - trueT));
    }
    expect(clock.jumps).toBe(2);
    expect(Math.max(...errs)).toBeLessThan(5);
  });

  it('does not mistake a host stall (burst of delayed frames) for a clock jump when given the expected step', () => {
    const clock = new ClockMap();
    const period = 1000 / 60;
    const errs: number[] = [];
    for (let i = 0; i < 1200; i++) {
      const trueT = T0 + i * period;
      // Frames 600-719 (2 s) are held up by a host stall and all arrive at the end of it.
      const arrival = i >= 600 && i < 720 ? T0 + 720 * period + 3 : trueT + 3;
      const t = clock.map(Math.floor(5_000 + i * period), arrival, i === 0 ? undefined : period);
      errs.push(Math.abs(t - trueT));
    }
    expect(clock.jumps).toBe(0);
    expect(Math.max(...errs)).toBeLessThan(5);
  });
});
