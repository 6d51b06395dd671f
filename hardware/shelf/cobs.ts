/**
 * Framing primitives of the shelf-controller link (docs/shelf-protocol.md): COBS byte stuffing, so
 * 0x00 only ever appears as the frame delimiter and a receiver resynchronises at the next 0x00 after
 * any corruption, and CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), cheap on an 8-bit MCU.
 */

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

export function crc16Ccitt(data: Uint8Array): number {
  let crc = 0xffff;
  for (const b of data) crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >> 8) ^ b) & 0xff] ?? 0);
  return crc;
}

/** COBS-encodes `data` (no trailing delimiter). Output is at most len + ceil(len/254) + 1 bytes. */
export function cobsEncode(data: Uint8Array): Buffer {
  const out = Buffer.alloc(data.length + Math.ceil(data.length / 254) + 1);
  let codeIdx = 0;
  let o = 1;
  let code = 1;
  for (const b of data) {
    if (b === 0) {
      out[codeIdx] = code;
      codeIdx = o++;
      code = 1;
    } else {
      out[o++] = b;
      code++;
      if (code === 0xff) {
        out[codeIdx] = code;
        codeIdx = o++;
        code = 1;
      }
    }
  }
  out[codeIdx] = code;
  return out.subarray(0, o);
}

/** Decodes one COBS block (without the delimiter); returns undefined when the stuffing is invalid. */
export function cobsDecode(enc: Uint8Array): Buffer | undefined {
  const out = Buffer.alloc(enc.length);
  let i = 0;
  let o = 0;
  while (i < enc.length) {
    const code = enc[i] ?? 0;
    // A code pointing past the end means bytes were dropped or corrupted.
    if (code === 0 || i + code > enc.length) return undefined;
    i++;
    for (let k = 1; k < code; k++) {
      const b = enc[i++] ?? 0;
      if (b === 0) return undefined;
      out[o++] = b;
    }
    if (code !== 0xff && i < enc.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}

/** Wraps a payload for the wire: COBS(payload ‖ CRC16 big-endian) followed by the 0x00 delimiter. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const body = Buffer.alloc(payload.length + 2);
  body.set(payload, 0);
  body.writeUInt16BE(crc16Ccitt(payload), payload.length);
  const enc = cobsEncode(body);
  const out = Buffer.alloc(enc.length + 1);
  enc.copy(out, 0);
  out[enc.length] = 0;
  return out;
}
