import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cobsDecode, cobsEncode, crc16Ccitt, encodeFrame } from '../../hardware/shelf/cobs.ts';
import { ShelfProtocolError } from '../../hardware/shelf/errors.ts';
import { ShelfFrameParser } from '../../hardware/shelf/frame-parser.ts';
import {
  decodeIdentity,
  decodePayload,
  decodeTareReply,
  encodeIdentity,
  encodeSamples,
  encodeTareReply,
  INVALID_COUNTS,
  type SampleFrame,
  type ShelfFrame,
} from '../../hardware/shelf/protocol.ts';

/** Feeds chunks through a parser and returns what it emitted. */
async function parse(chunks: Buffer[]): Promise<{ frames: ShelfFrame[]; parser: ShelfFrameParser }> {
  const parser = new ShelfFrameParser();
  const frames: ShelfFrame[] = [];
  parser.on('data', (f: ShelfFrame) => frames.push(f));
  for (const c of chunks) parser.write(c);
  await new Promise<void>((resolve) => parser.end(resolve));
  return { frames, parser };
}

const sampleArb = fc.record({
  controllerId: fc.stringMatching(/^[a-z0-9-]{1,32}$/),
  seq: fc.nat({ max: 0xffffffff }),
  deviceMs: fc.nat({ max: 0xffffffff }),
  counts: fc.array(fc.integer({ min: -0x800000, max: 0x7fffff }), { minLength: 1, maxLength: 16 }),
});

describe('shelf codec', () => {
  it('CRC-16/CCITT-FALSE matches the standard check value', () => {
    expect(crc16Ccitt(Buffer.from('123456789', 'ascii'))).toBe(0x29b1);
  });

  it('COBS round-trips any bytes and never emits 0x00', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 800 }), (data) => {
        const enc = cobsEncode(data);
        expect(enc.includes(0)).toBe(false);
        expect(enc.length).toBeLessThanOrEqual(data.length + Math.ceil(data.length / 254) + 1);
        expect(cobsDecode(enc)).toEqual(Buffer.from(data));
      }),
    );
  });

  it('sample frames round-trip through encode → parser', async () => {
    await fc.assert(
      fc.asyncProperty(sampleArb, async (s) => {
        const { frames } = await parse([encodeFrame(encodeSamples(s))]);
        expect(frames).toEqual([{ type: 'samples', ...s }]);
      }),
    );
  });

  it('recovers from noise between frames and arbitrary chunking, counting every bad block', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(sampleArb, fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }))), {
          minLength: 1,
          maxLength: 20,
        }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 10 }),
        async (items, cuts) => {
          const parts: Buffer[] = [];
          let noisy = 0;
          for (const [s, noise] of items) {
            // Noise is followed by a 0x00 (as on a real line, a zero byte shows up sooner or later).
            if (noise && noise.some((b) => b !== 0)) noisy++;
            if (noise) parts.push(Buffer.from(noise), Buffer.from([0]));
            parts.push(encodeFrame(encodeSamples(s)));
          }
          const all = Buffer.concat(parts);
          const chunks: Buffer[] = [];
          for (let o = 0, i = 0; o < all.length; i++) {
            const n = cuts[i % cuts.length] ?? 1;
            chunks.push(all.subarray(o, o + n));
            o += n;
          }
          const { frames, parser } = await parse(chunks);
          expect(frames).toEqual(items.map(([s]) => ({ type: 'samples', ...s })));
          const c = parser.counters;
          expect(c.frames).toBe(items.length);
          expect(c.bytes).toBe(all.length);
          // Each noise burst is at least one bad block (zeros inside split it into several).
          expect(c.crcErrors + c.malformed).toBeGreaterThanOrEqual(noisy);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('drops a partial frame and decodes the one after it', async () => {
    const a = encodeFrame(encodeSamples({ controllerId: 'sc-01', seq: 1, deviceMs: 10, counts: [1, 2] }));
    const b = encodeFrame(encodeSamples({ controllerId: 'sc-01', seq: 2, deviceMs: 27, counts: [3, 4] }));
    const { frames, parser } = await parse([a.subarray(3), b]);
    expect(frames.map((f) => (f as SampleFrame).seq)).toEqual([2]);
    expect(parser.counters.crcErrors + parser.counters.malformed).toBe(1);
  });

  it('counts a CRC mismatch and an oversize block', async () => {
    const payload = encodeSamples({ controllerId: 'sc-01', seq: 1, deviceMs: 10, counts: [INVALID_COUNTS] });
    const body = Buffer.concat([payload, Buffer.from([0x12, 0x34])]);
    const bad = Buffer.concat([cobsEncode(body), Buffer.from([0])]);
    const huge = Buffer.concat([Buffer.alloc(2000, 0x55), Buffer.from([0])]);
    const good = encodeFrame(payload);
    const { frames, parser } = await parse([bad, huge, good]);
    expect(parser.counters).toMatchObject({ crcErrors: 1, oversize: 1, frames: 1 });
    expect((frames[0] as SampleFrame).counts).toEqual([INVALID_COUNTS]);
  });

  it('rejects bad payloads naming the field', () => {
    const ok = encodeSamples({ controllerId: 'sc-01', seq: 1, deviceMs: 10, counts: [1, 2] });
    const err = (b: Buffer): string => {
      try {
        decodePayload(b);
      } catch (e) {
        expect(e).toBeInstanceOf(ShelfProtocolError);
        return (e as ShelfProtocolError).field;
      }
      return 'none';
    };
    expect(err(Buffer.from([0x7e]))).toBe('type');
    expect(err(ok.subarray(0, ok.length - 1))).toBe('counts');
    const zeroCh = Buffer.from(ok);
    zeroCh[2 + 5 + 8] = 0;
    expect(err(zeroCh)).toBe('channels');
    const noId = Buffer.from(ok);
    noId[1] = 0;
    expect(err(noId)).toBe('idLength');
  });

  it('command bodies round-trip', () => {
    const id = { controllerId: 'sc-07', firmware: 'fw 2.1', channels: 12, rateHz: 40 };
    expect(decodeIdentity(encodeIdentity(id))).toEqual(id);
    const tare = new Map([
      [0, -1234],
      [5, 99_000],
      [15, 7],
    ]);
    expect(decodeTareReply(encodeTareReply(tare))).toEqual(tare);
  });
});
