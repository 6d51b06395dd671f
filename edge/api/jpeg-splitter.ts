import { Transform, type TransformCallback } from 'node:stream';

/** Largest still accepted; a stream that never ends its image is garbage, not a 1 GB frame. */
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

/**
 * Splits a concatenated JPEG stream (ffmpeg `-f image2pipe -c:v mjpeg`) into one Buffer per image.
 * Walks the marker segments (so a 0xFFD9 inside an APPn segment does not end the image) and the
 * entropy-coded data after SOS (where 0xFF is followed by 0x00 stuffing or RSTn). Bytes before an SOI
 * and images over the size limit are dropped and counted, never thrown.
 */
export class JpegSplitter extends Transform {
  /** Bytes skipped while looking for the next start of image. */
  droppedBytes = 0;
  /** Images abandoned because they exceeded the size limit. */
  oversized = 0;
  private buf: Buffer = Buffer.alloc(0);
  /** Offset up to which `buf` has been parsed inside the current image. */
  private pos = 0;
  private inScan = false;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.drain();
    done();
  }

  override _flush(done: TransformCallback): void {
    this.droppedBytes += this.buf.length;
    this.buf = Buffer.alloc(0);
    done();
  }

  private resync(): void {
    // Look for the next SOI after the current one; everything before it is dropped.
    const next = this.buf.indexOf(SOI, 1);
    const cut = next < 0 ? Math.max(0, this.buf.length - 1) : next;
    this.droppedBytes += cut;
    this.buf = this.buf.subarray(cut);
    this.pos = 0;
    this.inScan = false;
  }

  private drain(): void {
    for (;;) {
      if (this.pos === 0) {
        const soi = this.buf.indexOf(SOI);
        if (soi < 0) {
          // Keep a trailing 0xFF: it may be the first half of the next SOI.
          const keep = this.buf.at(-1) === 0xff ? 1 : 0;
          this.droppedBytes += this.buf.length - keep;
          this.buf = this.buf.subarray(this.buf.length - keep);
          return;
        }
        this.droppedBytes += soi;
        this.buf = this.buf.subarray(soi);
        this.pos = 2;
        this.inScan = false;
      }
      const end = this.scan();
      if (end === 'more') {
        if (this.buf.length > MAX_IMAGE_BYTES) {
          this.oversized++;
          this.resync();
          continue;
        }
        return;
      }
      if (end === 'bad') {
        this.resync();
        continue;
      }
      this.push(Buffer.from(this.buf.subarray(0, end)));
      this.buf = this.buf.subarray(end);
      this.pos = 0;
    }
  }

  /** Advances `pos`; returns the end offset of a complete image, 'more' or 'bad'. */
  private scan(): number | 'more' | 'bad' {
    const b = this.buf;
    while (this.pos + 1 < b.length) {
      if (this.inScan) {
        const ff = b.indexOf(0xff, this.pos);
        if (ff < 0 || ff + 1 >= b.length) {
          this.pos = ff < 0 ? b.length : ff;
          return 'more';
        }
        const m = b[ff + 1] as number;
        if (m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === 0xff) {
          this.pos = m === 0xff ? ff + 1 : ff + 2;
          continue;
        }
        this.inScan = false;
        this.pos = ff;
      }
      if (b[this.pos] !== 0xff) return 'bad';
      const marker = b[this.pos + 1] as number;
      if (marker === 0xff) {
        this.pos++; // fill byte
        continue;
      }
      if (marker === 0xd9) return this.pos + 2;
      if (marker === 0xd8 || marker === 0x00) return 'bad';
      if (marker >= 0xd0 && marker <= 0xd7) {
        this.pos += 2;
        continue;
      }
      if (this.pos + 4 > b.length) return 'more';
      const len = b.readUInt16BE(this.pos + 2);
      if (len < 2) return 'bad';
      if (this.pos + 2 + len > b.length) return 'more';
      this.pos += 2 + len;
      if (marker === 0xda) this.inScan = true;
    }
    return 'more';
  }
}

const SOI = Buffer.from([0xff, 0xd8]);
