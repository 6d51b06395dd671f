import { describe, expect, it } from 'vitest';
import {
  checksum,
  decodeSentence,
  encodeSentence,
  GateProtocolError,
  LineParser,
} from '../../hardware/gates/index.ts';

function lines(p: LineParser, ...chunks: Array<string | Buffer>): string[] {
  const out: string[] = [];
  p.on('data', (l: string) => out.push(l));
  for (const c of chunks) p.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
  return out;
}

describe('line parser', () => {
  it('splits on CR, LF and CRLF and skips empty lines', () => {
    const p = new LineParser({ maxLength: 64, lineTimeoutMs: 1000 });
    const out = lines(p, 'tok_a\rtok_b\ntok', '_c\r\n\r\n\ntok_d\r');
    expect(out).toEqual(['tok_a', 'tok_b', 'tok_c', 'tok_d']);
    expect(p.counters.lines).toBe(4);
  });

  it('drops lines with non-printable bytes or over the limit, whole, and counts them', () => {
    const p = new LineParser({ maxLength: 8, lineTimeoutMs: 1000 });
    const out = lines(
      p,
      Buffer.from([0x41, 0x00, 0x42, 0x0d]),
      'abcdefghijk\r',
      'ok\r',
      Buffer.from([0xff, 0x0a]),
    );
    expect(out).toEqual(['ok']);
    expect(p.counters).toMatchObject({ lines: 1, nonPrintable: 2, overlong: 1 });
  });

  it('drops a fragment older than the line timeout instead of gluing it to the next line', () => {
    let now = 0;
    const p = new LineParser({ maxLength: 64, lineTimeoutMs: 100, now: () => now });
    const out: string[] = [];
    p.on('data', (l: string) => out.push(l));
    p.write(Buffer.from('tok_hal'));
    now = 500;
    p.write(Buffer.from('tok_whole\r'));
    expect(out).toEqual(['tok_whole']);
    expect(p.counters.partial).toBe(1);
  });
});

describe('door sentences', () => {
  it('round-trips every sentence type', () => {
    const all = [
      { type: 'passage', seq: 1, ms: 123, direction: 'in' },
      { type: 'passage', seq: 65535, ms: 4294967295, direction: 'out' },
      { type: 'door', seq: 2, ms: 5, state: 'forced' },
      { type: 'heartbeat', seq: 3, ms: 9, gateId: 'gate-in', passIn: 4, passOut: 2, door: 'closed' },
      { type: 'ack', seq: 4, ms: 10, req: 77, result: 'busy' },
      { type: 'status', seq: 5, ms: 11, req: 78, door: 'open', passIn: 1, passOut: 0 },
      { type: 'open', req: 9, holdMs: 5000 },
      { type: 'query', req: 65535 },
    ] as const;
    for (const s of all) {
      const wire = encodeSentence(s);
      expect(wire.endsWith('\r\n')).toBe(true);
      expect(decodeSentence(wire.slice(0, -2))).toEqual(s);
    }
    expect(encodeSentence({ type: 'passage', seq: 1, ms: 123, direction: 'in' })).toBe(
      `$GPAS,1,123,I*${checksum('GPAS,1,123,I')}\r\n`,
    );
  });

  it('uses CRC-16/CCITT-FALSE (check value 29B1) and catches a transposition XOR would miss', () => {
    expect(checksum('123456789')).toBe('29B1');
    const line = encodeSentence({ type: 'passage', seq: 12, ms: 3456, direction: 'in' }).slice(0, -2);
    const swapped = line.replace('3456', '3546');
    expect(() => decodeSentence(swapped)).toThrow(GateProtocolError);
  });

  it('names the bad field', () => {
    const bad = (body: string) => `$${body}*${checksum(body)}`;
    const field = (line: string) => {
      try {
        decodeSentence(line);
      } catch (e) {
        return (e as GateProtocolError).field;
      }
      return undefined;
    };
    expect(field(bad('GPAS,1,2,X'))).toBe('direction');
    expect(field(bad('GPAS,70000,2,I'))).toBe('seq');
    expect(field(bad('GDOR,1,2,AJAR'))).toBe('state');
    expect(field(bad('GOPN,0,500'))).toBe('req');
    expect(field(bad('GZZZ,1'))).toBe('type');
    expect(field(bad('GPAS,1,2'))).toBe('GPAS');
    expect(field('$GPAS,1,2,I*zzzz')).toBe('checksum');
    expect(field('GPAS,1,2,I')).toBe('framing');
  });
});
