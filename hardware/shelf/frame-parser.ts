import { Transform, type TransformCallback } from 'node:stream';
import { cobsDecode, crc16Ccitt } from './cobs.ts';
import { ShelfProtocolError } from './errors.ts';
import { decodePayload, MAX_PAYLOAD, type ShelfFrame } from './protocol.ts';

/** What the parser threw away, by reason; each bad block counts once. */
export interface ParserCounters {
  frames: number;
  crcErrors: number;
  /** Blocks whose COBS stuffing or payload layout was invalid (dropped bytes, line noise). */
  malformed: number;
  /** Blocks longer than any valid frame, dropped without decoding. */
  oversize: number;
  bytes: number;
}

const MAX_BLOCK = MAX_PAYLOAD + 2 + Math.ceil((MAX_PAYLOAD + 2) / 254) + 1;

/**
 * Bytes in, validated frames out (object mode). Splits on the 0x00 delimiter, COBS-decodes, checks the
 * CRC and decodes the payload. A bad block is counted and skipped: COBS guarantees the next 0x00 is a
 * frame boundary, so the frame after any corruption is decoded normally. The first block after
 * start-up may be a partial frame and is counted like any other bad block.
 */
export class ShelfFrameParser extends Transform {
  readonly counters: ParserCounters = { frames: 0, crcErrors: 0, malformed: 0, oversize: 0, bytes: 0 };
  private block = Buffer.alloc(MAX_BLOCK);
  private len = 0;
  private overflow = false;

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.counters.bytes += chunk.length;
    for (const b of chunk) {
      if (b !== 0) {
        if (this.len < MAX_BLOCK) this.block[this.len++] = b;
        else this.overflow = true;
        continue;
      }
      this.finishBlock();
    }
    done();
  }

  /** Drops a partial block, e.g. after the port was reopened. */
  reset(): void {
    this.len = 0;
    this.overflow = false;
  }

  private finishBlock(): void {
    const len = this.len;
    const overflow = this.overflow;
    this.reset();
    if (len === 0) return; // back-to-back delimiters are legal padding
    if (overflow) {
      this.counters.oversize++;
      return;
    }
    const body = cobsDecode(this.block.subarray(0, len));
    if (!body || body.length < 3) {
      this.counters.malformed++;
      return;
    }
    const payload = body.subarray(0, body.length - 2);
    if (crc16Ccitt(payload) !== body.readUInt16BE(body.length - 2)) {
      this.counters.crcErrors++;
      return;
    }
    let frame: ShelfFrame;
    try {
      // Copy: the block buffer is reused for the next frame.
      frame = decodePayload(Buffer.from(payload));
    } catch (err) {
      if (!(err instanceof ShelfProtocolError)) throw err;
      this.counters.malformed++;
      return;
    }
    this.counters.frames++;
    this.push(frame);
  }
}
