import { cobsEncode, crc16Ccitt, encodeFrame } from '../../hardware/shelf/cobs.ts';

/**
 * Faults a shelf controller's frames suffer on the way out, armed per frame by the tests: a
 * dropped byte, a corrupted CRC, or a frame never sent.
 */
export class WireFaults {
  dropNext = 0;
  corruptNext = 0;
  skipNext = 0;

  /** The frame of `payload` as it goes out, with any requested CRC corruption or dropped byte. */
  onTheWire(payload: Buffer): Buffer {
    if (this.corruptNext > 0) {
      this.corruptNext--;
      // CRC over the true payload, then one bit of the last count flipped "on the wire".
      const body = Buffer.alloc(payload.length + 2);
      payload.copy(body);
      body.writeUInt16BE(crc16Ccitt(payload), payload.length);
      body[payload.length - 1] = (body[payload.length - 1] ?? 0) ^ 0x10;
      return Buffer.concat([cobsEncode(body), Buffer.from([0])]);
    }
    const frame = encodeFrame(payload);
    if (this.dropNext > 0) {
      this.dropNext--;
      const mid = frame.length >> 1;
      return Buffer.concat([frame.subarray(0, mid), frame.subarray(mid + 1)]);
    }
    return frame;
  }

  /** True (and one fewer to skip) when the frame just built is to be lost in transit. */
  skipThis(): boolean {
    if (!(this.skipNext > 0)) return false;
    this.skipNext--;
    return true;
  }
}
