import { afterEach, describe, expect, it } from 'vitest';
import { GateCommandTimeoutError } from '../../hardware/gates/index.ts';
import { GATE, GateRig, waitFor } from './gate-fixture.ts';

let rig: GateRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe('door controller on a real pty', () => {
  it('publishes passages in order with store-clock times and keeps heartbeat totals consistent', async () => {
    rig = await new GateRig().start();
    const t0 = Date.now();
    rig.doorEmu.passage('in');
    rig.doorEmu.passage('in');
    rig.doorEmu.passage('out');
    await waitFor(() => rig?.passages.length === 3, 'three passages');
    expect(rig.passages.map((p) => p.direction)).toEqual(['in', 'in', 'out']);
    for (const p of rig.passages) {
      expect(p.gateId).toBe(GATE);
      expect(p.t).toBeGreaterThanOrEqual(t0 - 5);
      expect(p.t).toBeLessThanOrEqual(Date.now());
    }
    const hb = rig.door.metrics.sentences;
    await waitFor(() => (rig?.door.metrics.sentences ?? 0) >= hb + 2, 'two more heartbeats');
    expect(rig.door.metrics).toMatchObject({ passages: 3, missedPassages: 0, gaps: 0, badChecksums: 0 });
    expect(rig.door.door).toBe('closed');
  });

  it('acks an open command from the bus, reports the door state, and closes after the hold time', async () => {
    rig = await new GateRig().start({ door: { openHoldMs: 300 } });
    await waitFor(() => rig?.door.door === 'closed', 'door state from the first heartbeat');
    rig.bus.publish('gate.command', { gateId: GATE, t: Date.now(), action: 'open', ref: 'staff-1' });
    rig.bus.publish('gate.command', { gateId: 'another-gate', t: Date.now(), action: 'open' });
    await waitFor(() => rig?.door.metrics.commandsOk === 1, 'open acked');
    expect(rig.doorEmu.opens).toBe(1);
    await waitFor(() => rig?.door.door === 'open', 'door open');
    await waitFor(() => rig?.door.door === 'closed', 'door closed after the hold');
    const details = rig.statuses.filter((s) => s.deviceId === GATE).map((s) => s.detail);
    expect(details).toEqual(expect.arrayContaining(['door open', 'door closed']));
    expect(await rig.door.status()).toEqual({ door: 'closed', passIn: 0, passOut: 0 });
  });

  it('times out an unanswered open, counts it, and the next open succeeds', async () => {
    rig = await new GateRig().start();
    rig.doorEmu.mute = true;
    await expect(rig.door.open()).rejects.toBeInstanceOf(GateCommandTimeoutError);
    expect(rig.door.metrics.commandTimeouts).toBe(1);
    rig.doorEmu.mute = false;
    await rig.door.open();
    expect(rig.door.metrics).toMatchObject({ commandsOk: 1, commandTimeouts: 1 });
  });

  it('counts bad checksums, garbage, partial and lost sentences and keeps reading', async () => {
    rig = await new GateRig().start({ heartbeatMs: 400, door: { lineTimeoutMs: 50 } });
    await waitFor(() => rig?.door.door === 'closed', 'first heartbeat');
    const emu = rig.doorEmu;
    emu.corruptChecksum(1);
    emu.passage('in'); // corrupted on the wire: only the heartbeat totals reveal it
    emu.injectGarbage(300);
    emu.writeRaw('\r\n');
    emu.writePartial('$GPAS,9,');
    await new Promise((r) => setTimeout(r, 150)); // the rest of that sentence never comes
    emu.skipSentences(2);
    emu.passage('out'); // lost
    emu.passage('out'); // lost
    emu.passage('in');
    await waitFor(() => rig?.passages.length === 1, 'the passage after the faults');
    await waitFor(() => (rig?.door.metrics.missedPassages ?? 0) === 3, 'heartbeat totals reveal 3 missed');
    const m = rig.door.metrics;
    expect(m.badChecksums).toBeGreaterThanOrEqual(1);
    // Garbage may hold CR/LF, so it splits into a varying number of bad lines; at least one.
    expect(m.nonPrintable + m.overlong + m.malformed).toBeGreaterThanOrEqual(1);
    // A heartbeat arriving within 50 ms of the half sentence is glued to it (malformed) instead.
    expect(m.partial + m.malformed).toBeGreaterThanOrEqual(1);
    // The corrupted and the two skipped sentences are missing from the sequence.
    expect(m.lostLines).toBeGreaterThanOrEqual(3);
    expect(m.gaps).toBeGreaterThanOrEqual(1);
    expect(rig.passages.map((p) => p.direction)).toEqual(['in']);
    // Data after the faults is processed normally.
    emu.passage('out');
    await waitFor(() => rig?.passages.length === 2, 'a passage after recovery');
  });

  it('marks the gate degraded when heartbeats stop, and reconnects after unplug/replug', async () => {
    rig = await new GateRig().start();
    rig.doorEmu.mute = true;
    await rig.doorEmu.detach(); // controller hangs: port open on the host, nothing sent
    await waitFor(() => rig?.door.metrics.heartbeatTimeouts === 1, 'heartbeat timeout', 4000);
    expect(rig.statuses.some((s) => s.status === 'degraded' && s.detail === 'no heartbeat')).toBe(true);
    await rig.doorPair.unplug();
    await waitFor(() => rig?.door.connected === false, 'unplug seen');
    await rig.doorPair.plug();
    rig.doorEmu.mute = false;
    await rig.doorEmu.attach();
    await waitFor(() => rig?.door.connected === true, 'reconnected');
    rig.doorEmu.passage('in');
    await waitFor(() => rig?.passages.length === 1, 'passage after replug');
    expect(rig.door.metrics.reconnects).toBe(1);
    const gate = rig.statuses.filter((s) => s.deviceId === GATE).map((s) => s.status);
    expect(gate).toEqual(expect.arrayContaining(['up', 'degraded', 'down']));
    expect(gate.at(-1)).toBe('up');
  });
});
