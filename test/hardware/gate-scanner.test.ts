import { afterEach, describe, expect, it } from 'vitest';
import { GATE, GateRig, waitFor } from './gate-fixture.ts';

let rig: GateRig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

describe('entry QR scanner on a real pty', () => {
  it('publishes each scanned token once, with any line suffix', async () => {
    rig = await new GateRig().start();
    const t0 = Date.now();
    await rig.scannerEmu.scan('tok_00000001');
    await waitFor(() => rig?.scans.length === 1, 'first scan');
    const first = rig.scans[0];
    expect(first).toMatchObject({ gateId: GATE, token: 'tok_00000001' });
    expect(first?.t).toBeGreaterThanOrEqual(t0);
    rig.scannerEmu.writeRaw('tok_00000002\r\ntok_00000003\n');
    await waitFor(() => rig?.scans.length === 3, 'three scans');
    expect(rig.scans.map((s) => s.token)).toEqual(['tok_00000001', 'tok_00000002', 'tok_00000003']);
    expect(rig.scanner.metrics).toMatchObject({ lines: 3, scans: 3, duplicates: 0 });
    expect(rig.statuses.some((s) => s.deviceId === `${GATE}.scanner` && s.status === 'up')).toBe(true);
  });

  it('treats re-reads within the window as one scan, and a read after it as a new one', async () => {
    rig = await new GateRig().start({ scanner: { dedupeMs: 400 } });
    await rig.scannerEmu.scan('tok_repeat01', { repeats: 4, gapMs: 50 });
    await waitFor(() => (rig?.scanner.metrics.lines ?? 0) >= 4, 'four lines');
    expect(rig.scans).toHaveLength(1);
    expect(rig.scanner.metrics.duplicates).toBe(3);
    await new Promise((r) => setTimeout(r, 600));
    await rig.scannerEmu.scan('tok_repeat01');
    await waitFor(() => rig?.scans.length === 2, 'second scan after the window');
  });

  it('drops garbage, over-long and partial lines, counts them, and reads the next token', async () => {
    rig = await new GateRig().start({ scanner: { maxLineLength: 64, lineTimeoutMs: 100 } });
    const emu = rig.scannerEmu;
    emu.writeRaw(Buffer.from([0x74, 0x6f, 0x01, 0x6b, 0x0d])); // "to\x01k\r"
    emu.writeRaw(`${'x'.repeat(200)}\r`);
    emu.writeRaw('hi\r'); // printable but not a token
    await waitFor(() => (rig?.scanner.metrics.rejected ?? 0) === 1, 'rejected line');
    emu.writePartial('tok_cutoff');
    await new Promise((r) => setTimeout(r, 250)); // the rest of that line never comes
    await emu.scan('tok_after001');
    for (let i = 0; i < 5; i++) emu.injectGarbage(64);
    emu.writeRaw('\r');
    await emu.scan('tok_after002');
    await waitFor(() => rig?.scans.length === 2, 'scans after the faults');
    expect(rig.scans.map((s) => s.token)).toEqual(['tok_after001', 'tok_after002']);
    const m = rig.scanner.metrics;
    expect(m.nonPrintable).toBeGreaterThanOrEqual(1);
    expect(m.overlong).toBeGreaterThanOrEqual(1);
    // Random garbage splits at any CR/LF it holds; each piece is counted under one of these.
    expect(m.nonPrintable + m.overlong + m.rejected).toBeGreaterThanOrEqual(4);
    expect(m.partial).toBe(1);
  });

  it('reconnects after an unplug and reads tokens scanned after the replug', async () => {
    rig = await new GateRig().start();
    await rig.scannerEmu.scan('tok_before01');
    await waitFor(() => rig?.scans.length === 1, 'scan before unplug');
    rig.scannerEmu.writePartial('tok_half');
    await rig.scannerEmu.detach();
    await rig.scannerPair.unplug();
    await waitFor(() => rig?.scanner.connected === false, 'driver sees the unplug');
    await rig.scannerPair.plug();
    await rig.scannerEmu.attach();
    await waitFor(() => rig?.scanner.connected === true, 'driver reconnects');
    await rig.scannerEmu.scan('tok_after001');
    await waitFor(() => rig?.scans.length === 2, 'scan after replug');
    expect(rig.scans[1]?.token).toBe('tok_after001');
    expect(rig.scanner.metrics.reconnects).toBe(1);
    expect(rig.statuses.filter((s) => s.deviceId === `${GATE}.scanner`).map((s) => s.status)).toEqual([
      'up',
      'down',
      'up',
    ]);
  });
});
