import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ensureFootage } from '../../test/fixtures/fetch-footage.ts';
import { JpegSplitter } from './jpeg-splitter.ts';

async function split(
  input: Buffer,
  chunk: (i: number) => number,
): Promise<{ out: Buffer[]; s: JpegSplitter }> {
  const s = new JpegSplitter();
  const out: Buffer[] = [];
  s.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((r) => s.on('end', r));
  let i = 0;
  for (let off = 0; off < input.length; i++) {
    const n = Math.max(1, chunk(i));
    s.write(input.subarray(off, off + n));
    off += n;
  }
  s.end();
  await done;
  return { out, s };
}

describe('JpegSplitter', () => {
  it('splits a real JPEG stream into whole images whatever the chunking, dropping garbage', async () => {
    const { messi } = await ensureFootage();
    const a = readFileSync(messi);
    // A second, different image: ffmpeg-style baseline JPEG with restart markers.
    const b = await sharp(a).resize(120).jpeg({ quality: 50 }).toBuffer();
    const garbage = Buffer.from([0x00, 0xff, 0x12, 0xff, 0xd9, 0x47, 0x47]);
    const stream = Buffer.concat([garbage, a, b, garbage, a]);
    for (const chunk of [() => 1, () => 7, (i: number) => 1 + ((i * 7919) % 4096), () => stream.length]) {
      const { out, s } = await split(stream, chunk);
      expect(out.map((o) => o.length)).toEqual([a.length, b.length, a.length]);
      expect(out[0]?.equals(a)).toBe(true);
      expect(out[1]?.equals(b)).toBe(true);
      expect(s.droppedBytes).toBe(2 * garbage.length);
      expect((await sharp(out[1] as Buffer).metadata()).width).toBe(120);
    }
  });

  it('abandons a truncated image and resynchronises on the next one', async () => {
    const { messi } = await ensureFootage();
    const a = readFileSync(messi);
    const cut = a.subarray(0, Math.floor(a.length / 2));
    const { out, s } = await split(Buffer.concat([cut, a]), () => 1000);
    // The cut image's scan data runs into the next SOI: it is dropped, the whole image survives.
    expect(out.map((o) => o.length)).toEqual([a.length]);
    expect(out[0]?.equals(a)).toBe(true);
    expect(s.droppedBytes).toBe(cut.length);
  });
});
