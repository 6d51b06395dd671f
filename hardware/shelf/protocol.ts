import { ShelfProtocolError } from './errors.ts';

/** Payload codec of the shelf-controller protocol; the layout is specified in docs/shelf-protocol.md. */

export const FRAME_SAMPLES = 0x01;
export const FRAME_REQUEST = 0x02;
export const FRAME_REPLY = 0x81;

export const CMD = { identify: 0x01, tare: 0x02, calibrate: 0x03, setRate: 0x04, health: 0x05 } as const;
export type CommandName = keyof typeof CMD;

export const STATUS = { ok: 0, badArgs: 1, unsupported: 2, busy: 3 } as const;

/** Raw value a controller sends for a channel whose ADC reading is invalid (saturated / not ready). */
export const INVALID_COUNTS = -0x800000;
export const MAX_CHANNELS = 16;
export const MAX_ID_BYTES = 32;
/** Largest payload either side may send; the parser drops longer blocks without decoding them. */
export const MAX_PAYLOAD = 256;

export interface SampleFrame {
  type: 'samples';
  controllerId: string;
  seq: number;
  deviceMs: number;
  /** Signed 24-bit ADC counts per channel; INVALID_COUNTS marks an invalid reading. */
  counts: number[];
}
export interface RequestFrame {
  type: 'request';
  reqId: number;
  cmd: number;
  args: Buffer;
}
export interface ReplyFrame {
  type: 'reply';
  reqId: number;
  cmd: number;
  status: number;
  body: Buffer;
}
export type ShelfFrame = SampleFrame | RequestFrame | ReplyFrame;

function need(buf: Buffer, end: number, field: string): void {
  if (buf.length < end) throw new ShelfProtocolError(field, `frame too short (${buf.length} bytes)`);
}

export function encodeSamples(f: Omit<SampleFrame, 'type'>): Buffer {
  const id = Buffer.from(f.controllerId, 'ascii');
  if (id.length < 1 || id.length > MAX_ID_BYTES) throw new ShelfProtocolError('controllerId', 'bad length');
  if (f.counts.length < 1 || f.counts.length > MAX_CHANNELS)
    throw new ShelfProtocolError('counts', `must hold 1-${MAX_CHANNELS} channels`);
  const buf = Buffer.alloc(2 + id.length + 9 + 3 * f.counts.length);
  buf[0] = FRAME_SAMPLES;
  buf[1] = id.length;
  id.copy(buf, 2);
  let o = 2 + id.length;
  buf.writeUInt32LE(f.seq >>> 0, o);
  buf.writeUInt32LE(f.deviceMs >>> 0, o + 4);
  buf[o + 8] = f.counts.length;
  o += 9;
  for (const c of f.counts) {
    buf.writeIntLE(Math.max(-0x800000, Math.min(0x7fffff, Math.round(c))), o, 3);
    o += 3;
  }
  return buf;
}

export function encodeRequest(reqId: number, cmd: number, args: Uint8Array = Buffer.alloc(0)): Buffer {
  const buf = Buffer.alloc(4 + args.length);
  buf[0] = FRAME_REQUEST;
  buf.writeUInt16LE(reqId & 0xffff, 1);
  buf[3] = cmd;
  buf.set(args, 4);
  return buf;
}

export function encodeReply(reqId: number, cmd: number, status: number, body: Uint8Array): Buffer {
  const buf = Buffer.alloc(5 + body.length);
  buf[0] = FRAME_REPLY;
  buf.writeUInt16LE(reqId & 0xffff, 1);
  buf[3] = cmd;
  buf[4] = status;
  buf.set(body, 5);
  return buf;
}

/** Decodes a CRC-checked payload; throws ShelfProtocolError naming the first bad field. */
export function decodePayload(buf: Buffer): ShelfFrame {
  need(buf, 1, 'type');
  const type = buf[0];
  if (type === FRAME_SAMPLES) {
    need(buf, 2, 'idLength');
    const idLen = buf[1] ?? 0;
    if (idLen < 1 || idLen > MAX_ID_BYTES) throw new ShelfProtocolError('idLength', `${idLen} out of 1-32`);
    need(buf, 2 + idLen + 9, 'header');
    const controllerId = buf.toString('ascii', 2, 2 + idLen);
    let o = 2 + idLen;
    const seq = buf.readUInt32LE(o);
    const deviceMs = buf.readUInt32LE(o + 4);
    const n = buf[o + 8] ?? 0;
    if (n < 1 || n > MAX_CHANNELS) throw new ShelfProtocolError('channels', `${n} out of 1-${MAX_CHANNELS}`);
    o += 9;
    if (buf.length !== o + 3 * n)
      throw new ShelfProtocolError('counts', `expected ${3 * n} bytes, got ${buf.length - o}`);
    const counts: number[] = [];
    for (let i = 0; i < n; i++) counts.push(buf.readIntLE(o + 3 * i, 3));
    return { type: 'samples', controllerId, seq, deviceMs, counts };
  }
  if (type === FRAME_REQUEST) {
    need(buf, 4, 'cmd');
    return { type: 'request', reqId: buf.readUInt16LE(1), cmd: buf[3] ?? 0, args: buf.subarray(4) };
  }
  if (type === FRAME_REPLY) {
    need(buf, 5, 'status');
    return {
      type: 'reply',
      reqId: buf.readUInt16LE(1),
      cmd: buf[3] ?? 0,
      status: buf[4] ?? 0,
      body: buf.subarray(5),
    };
  }
  throw new ShelfProtocolError('type', `unknown frame type 0x${(type ?? 0).toString(16)}`);
}

// ---------- command bodies ----------

export interface Identity {
  controllerId: string;
  firmware: string;
  channels: number;
  rateHz: number;
}

export function encodeIdentity(i: Identity): Buffer {
  const id = Buffer.from(i.controllerId, 'ascii');
  const fw = Buffer.from(i.firmware, 'ascii');
  return Buffer.concat([
    Buffer.from([id.length]),
    id,
    Buffer.from([fw.length]),
    fw,
    Buffer.from([i.channels, i.rateHz]),
  ]);
}

export function decodeIdentity(b: Buffer): Identity {
  const idLen = b[0] ?? 0;
  need(b, 1 + idLen + 1, 'identity.controllerId');
  const fwLen = b[1 + idLen] ?? 0;
  need(b, 2 + idLen + fwLen + 2, 'identity.firmware');
  const o = 2 + idLen + fwLen;
  return {
    controllerId: b.toString('ascii', 1, 1 + idLen),
    firmware: b.toString('ascii', 2 + idLen, o),
    channels: b[o] ?? 0,
    rateHz: b[o + 1] ?? 0,
  };
}

export interface Health {
  uptimeMs: number;
  framesSent: number;
  /** Bit i set: channel i's ADC reported an error since the last health request. */
  faultMask: number;
  /** Frames the controller received with a bad CRC / framing. */
  rxErrors: number;
}

export function encodeHealth(h: Health): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(h.uptimeMs >>> 0, 0);
  b.writeUInt32LE(h.framesSent >>> 0, 4);
  b.writeUInt16LE(h.faultMask & 0xffff, 8);
  b.writeUInt16LE(Math.min(h.rxErrors, 0xffff), 10);
  return b;
}

export function decodeHealth(b: Buffer): Health {
  need(b, 12, 'health');
  return {
    uptimeMs: b.readUInt32LE(0),
    framesSent: b.readUInt32LE(4),
    faultMask: b.readUInt16LE(8),
    rxErrors: b.readUInt16LE(10),
  };
}

/** Tare reply: the channel mask, then the averaged raw counts (i32) of each set channel, lowest first. */
export function encodeTareReply(averages: Map<number, number>): Buffer {
  let mask = 0;
  for (const ch of averages.keys()) mask |= 1 << ch;
  const chans = [...averages.keys()].sort((a, b) => a - b);
  const b = Buffer.alloc(2 + 4 * chans.length);
  b.writeUInt16LE(mask, 0);
  chans.forEach((ch, i) => b.writeInt32LE(Math.round(averages.get(ch) ?? 0), 2 + 4 * i));
  return b;
}

export function decodeTareReply(b: Buffer): Map<number, number> {
  need(b, 2, 'tare.mask');
  const mask = b.readUInt16LE(0);
  const out = new Map<number, number>();
  let o = 2;
  for (let ch = 0; ch < MAX_CHANNELS; ch++) {
    if (!(mask & (1 << ch))) continue;
    need(b, o + 4, `tare.counts[${ch}]`);
    out.set(ch, b.readInt32LE(o));
    o += 4;
  }
  return out;
}

/** Calibrate reply: channel u8, averaged raw counts i32 with the known weight on the plate. */
export function encodeCalibrateReply(channel: number, counts: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = channel;
  b.writeInt32LE(Math.round(counts), 1);
  return b;
}

export function decodeCalibrateReply(b: Buffer): { channel: number; counts: number } {
  need(b, 5, 'calibrate.counts');
  return { channel: b[0] ?? 0, counts: b.readInt32LE(1) };
}
