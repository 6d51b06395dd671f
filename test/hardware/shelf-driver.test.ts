import { unlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ShelfSamples } from '../../core/messages.ts';
import { encodeFrame } from '../../hardware/shelf/cobs.ts';
import { CalibrationStore, ShelfCommandTimeoutError } from '../../hardware/shelf/index.ts';
import { encodeSamples } from '../../hardware/shelf/protocol.ts';
import { CONTROLLER, plateOf, ShelfRig } from './shelf-fixture.ts';

let rig: ShelfRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

/** Calibration matching the emulator's offsets/scales, so raw counts decode to the grams set. */
function calibrate(r: ShelfRig, offsets: number[], cpg: number[]): void {
  offsets.forEach((offset, ch) => r.calibration.set(CONTROLLER, ch, { offset, scale: cpg[ch] ?? 420 }));
}

const OFFSETS = Array.from({ length: 16 }, (_, ch) => 5000 + 1000 * ch);
const CPG = Array.from({ length: 16 }, (_, ch) => 400 + 3 * ch);

describe('shelf driver over a real socat pty', () => {
  it('round-trips frames into per-plate shelf.samples batches in grams', async () => {
    const r = new ShelfRig();
    rig = r;
    calibrate(r, OFFSETS, CPG);
    await r.start({ offsets: OFFSETS, countsPerGram: CPG });
    r.firmware.grams[0] = 500;
    r.firmware.grams[3] = 1234.5;
    // Skip batches holding samples from before the change: wait for the first one that is all new.
    await rig.waitFor(
      () => r.samples(plateOf(3)).some((b) => b.grams.every((g) => Math.abs((g ?? 0) - 1234.5) < 0.01)),
      10_000,
      'a batch taken after the change',
    );
    const batches = await rig.nextBatches(plateOf(3), 6);
    for (const b of batches) {
      const { at: _at, ...msg } = b;
      expect(() => ShelfSamples.parse(msg)).not.toThrow();
      expect(b.grams).toHaveLength(12);
      for (const g of b.grams) expect(g).toBeCloseTo(1234.5, 2);
      expect(b.periodMs).toBeGreaterThan(16);
      expect(b.periodMs).toBeLessThan(17.4);
      // t0 is the first sample's store time: before arrival, by less than a batch plus slack.
      expect(b.t0).toBeLessThanOrEqual(b.at);
      // The slack (400 ms) absorbs scheduling on a loaded 2-core CI box; a clock-mapping
      // error (offset or drift) would be seconds, not hundreds of milliseconds.
      expect(b.at - b.t0).toBeLessThan(12 * 16.7 + 400);
    }
    const seqs = batches.map((b) => b.seq);
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
    const p1 = rig.samples(plateOf(0)).at(-1);
    expect(p1?.grams[0]).toBeCloseTo(500, 2);
    // Channels 10-15 are not in the store: nothing is emitted for them.
    expect(rig.samples().every((s) => /^g1\.s1\.p([1-9]|10)$/.test(s.plateId))).toBe(true);
    const m = rig.driver.metrics;
    expect(m.frames).toBeGreaterThan(60);
    expect(m.crcErrors + m.malformed + m.gaps).toBe(0);
    expect(rig.statuses().map((s) => s.status)).toEqual(['up']);
  });

  it('counts CRC errors, dropped bytes, sequence gaps, noise and partial frames, and keeps decoding', async () => {
    rig = new ShelfRig();
    calibrate(rig, OFFSETS, CPG);
    await rig.start({ offsets: OFFSETS, countsPerGram: CPG });
    rig.firmware.grams[1] = 250;
    await rig.nextBatches(plateOf(1), 2);
    const m = rig.driver.metrics;

    const r = rig;
    rig.firmware.corruptCrc(3);
    // Counters update when the next good frame arrives: wait for it rather than for a fixed time.
    await r.waitFor(() => m.crcErrors >= 3 && m.lostFrames >= 3, 5000, 'CRC errors counted');
    expect(m.crcErrors).toBe(3);
    expect(m.gaps).toBe(1); // three consecutive frames lost: one gap of three
    expect(m.lostFrames).toBe(3);

    rig.firmware.dropBytes(2);
    await r.waitFor(() => m.crcErrors + m.malformed >= 5 && m.lostFrames >= 5, 5000, 'dropped bytes counted');
    expect(m.crcErrors + m.malformed).toBe(5);
    expect(m.lostFrames).toBe(5);

    rig.firmware.skipFrames(7);
    await r.waitFor(() => m.lostFrames >= 12, 5000, 'skipped frames counted');
    expect(m.lostFrames).toBe(12);

    // Half a frame followed by a whole one: the partial block is dropped, the next frame decodes.
    const whole = encodeFrame(
      encodeSamples({ controllerId: CONTROLLER, seq: 0, deviceMs: 0, counts: [1, 2, 3] }),
    );
    rig.firmware.writeRaw(whole.subarray(0, whole.length >> 1));
    rig.firmware.injectGarbage(64);
    await r.waitFor(() => m.crcErrors + m.malformed > 5, 5000, 'noise counted');
    const bad = m.crcErrors + m.malformed;
    expect(bad).toBeGreaterThan(5);

    // A well-formed frame from another controller (miswired port) is counted, not used.
    rig.firmware.writeRaw(
      encodeFrame(encodeSamples({ controllerId: 'sc-99', seq: 5, deviceMs: 1, counts: [9e6 / 1000] })),
    );
    await rig.waitFor(() => m.foreignFrames === 1, 2000, 'foreign frame');

    rig.firmware.grams[1] = 777;
    await r.waitFor(
      () => r.samples(plateOf(1)).some((b) => b.grams.every((g) => Math.abs((g ?? 0) - 777) < 0.01)),
      5000,
      'a batch taken after the change',
    );
    const after = await rig.nextBatches(plateOf(1), 3);
    for (const b of after) for (const g of b.grams) expect(g).toBeCloseTo(777, 2);
    // No new errors while the line is clean.
    expect(m.crcErrors + m.malformed).toBe(bad);
    const framesBefore = m.frames;
    await r.waitFor(() => m.frames - framesBefore > 10, 5000, 'frames keep coming');
    expect(m.crcErrors + m.malformed).toBe(bad);
  });

  it('reconnects with backoff when the pty disappears and resumes the stream', async () => {
    rig = new ShelfRig();
    calibrate(rig, OFFSETS, CPG);
    await rig.start({ offsets: OFFSETS, countsPerGram: CPG });
    rig.firmware.grams[2] = 100;
    const before = await rig.nextBatches(plateOf(2), 2);

    await rig.firmware.detach();
    await rig.pair.unplug();
    await rig.waitFor(() => rig?.statuses().some((s) => s.status === 'down') === true, 3000, 'down status');
    expect(rig.driver.connected).toBe(false);
    await sleep(500); // several failed open attempts while unplugged

    await rig.pair.plug();
    await rig.firmware.attach();
    rig.firmware.grams[2] = 2000;
    await rig.waitFor(() => rig?.driver.connected === true, 3000, 'reconnect');
    await rig.waitFor(
      () =>
        rig?.samples(plateOf(2)).some((b) => b.grams.every((g) => Math.abs((g ?? 0) - 2000) < 0.01)) === true,
      5000,
      'a batch after reconnecting',
    );
    const after = await rig.nextBatches(plateOf(2), 3);
    expect(rig.statuses().map((s) => s.status)).toEqual(['up', 'down', 'up']);
    expect(rig.driver.metrics.reconnects).toBe(1);
    for (const g of after.at(-1)?.grams ?? []) expect(g).toBeCloseTo(2000, 2);
    // Per-plate message seq skips once across the outage so consumers see the lost messages.
    const last = before.at(-1)?.seq ?? 0;
    expect((after[0]?.seq ?? 0) - last).toBeGreaterThanOrEqual(2);
    expect(after.map((b) => b.t0)).toEqual([...after.map((b) => b.t0)].sort((a, b) => a - b));
  });

  it('reports down when the device node vanishes though the port is never hung up', async () => {
    rig = new ShelfRig();
    await rig.start({});
    await rig.nextBatches(plateOf(0), 1);
    // socat still holds both ptys: the OS sees nothing, only the device node is gone.
    unlinkSync(rig.pair.hostPath);
    await rig.waitFor(() => rig?.statuses().some((s) => s.status === 'down') === true, 3000, 'down status');
    expect(rig.driver.connected).toBe(false);
  });

  it('keeps retrying when started before the controller is plugged in', async () => {
    rig = new ShelfRig();
    await rig.start({}, {}, 400);
    expect(rig.driver.connected).toBe(true);
    expect(rig.driver.metrics.reconnects).toBe(0);
    const b = await rig.nextBatches(plateOf(0), 2);
    expect(b).toHaveLength(2);
    expect(rig.statuses().map((s) => s.status)).toEqual(['up']);
  });

  it('keeps store timestamps right across device clock jumps', async () => {
    rig = new ShelfRig();
    await rig.start();
    await rig.nextBatches(plateOf(0), 2);
    rig.firmware.jumpClock(3_600_000);
    await rig.nextBatches(plateOf(0), 4);
    rig.firmware.jumpClock(-1_800_000); // backwards: a stale offset would map 30 min into the past
    await rig.nextBatches(plateOf(0), 4);
    expect(rig.driver.metrics.clockJumps).toBe(2);
    const all = rig.samples(plateOf(0));
    for (const b of all) {
      expect(b.t0).toBeLessThanOrEqual(b.at);
      expect(b.at - b.t0).toBeLessThan(12 * 16.7 + 250);
      expect(b.periodMs).toBeLessThan(17.4);
    }
    const t0s = all.map((b) => b.t0);
    expect(t0s).toEqual([...t0s].sort((a, b) => a - b));
  });

  it('answers identify, health, set-rate, tare and calibrate; calibration persists in SQLite', async () => {
    rig = new ShelfRig();
    await rig.start({ offsets: OFFSETS, countsPerGram: CPG, noise: 50 });
    const id = await rig.driver.identify();
    expect(id).toEqual({ controllerId: CONTROLLER, firmware: 'walkout-emu 1.0', channels: 16, rateHz: 60 });
    const h = await rig.driver.health();
    expect(h.framesSent).toBeGreaterThan(0);
    expect(h.uptimeMs).toBeGreaterThan(0);

    const tared = await rig.driver.tare([0, 1]);
    expect([...tared.keys()]).toEqual([0, 1]);
    expect(tared.get(0)?.offset).toBeCloseTo(OFFSETS[0] ?? 0, -2);
    expect(tared.get(1)?.offset).toBeCloseTo(OFFSETS[1] ?? 0, -2);

    rig.firmware.grams[0] = 1000;
    const cal = await rig.driver.calibrate(0, 1000);
    expect(cal.scale).toBeCloseTo(CPG[0] ?? 0, 0);

    // A fresh connection to the same file sees the new calibration.
    const again = new CalibrationStore(rig.dbPath);
    expect(again.get(CONTROLLER, 0)?.scale).toBeCloseTo(CPG[0] ?? 0, 0);
    expect(again.get(CONTROLLER, 1)?.offset).toBeCloseTo(OFFSETS[1] ?? 0, -2);
    again.close();

    rig.firmware.grams[0] = 333;
    await rig.waitFor(
      () => rig?.samples(plateOf(0)).some((b) => b.grams.every((g) => Math.abs((g ?? 0) - 333) < 2)) === true,
      5000,
      'a batch after the change',
    );
    const b = (await rig.nextBatches(plateOf(0), 1))[0];
    const mean = (b?.grams ?? []).reduce<number>((s, g) => s + (g ?? 0), 0) / 12;
    expect(mean).toBeCloseTo(333, 0);

    expect(await rig.driver.setRate(30)).toBe(30);
    await sleep(50);
    const slow = await rig.nextBatches(plateOf(0), 2);
    expect(slow[1]?.periodMs).toBeGreaterThan(32.5);
    expect(slow[1]?.periodMs).toBeLessThan(34.5);
  });

  it('times out a command the controller does not answer, then works again', async () => {
    rig = new ShelfRig();
    await rig.start();
    await sleep(200); // let the set-rate the driver sends on connect be answered
    rig.firmware.mute = true;
    const t = Date.now();
    await expect(rig.driver.health()).rejects.toBeInstanceOf(ShelfCommandTimeoutError);
    const waited = Date.now() - t;
    expect(waited).toBeGreaterThanOrEqual(490);
    expect(waited).toBeLessThan(1500);
    expect(rig.driver.metrics.commandTimeouts).toBe(1);
    rig.firmware.mute = false;
    expect((await rig.driver.identify()).controllerId).toBe(CONTROLLER);
  });
});
