import { Transform, type TransformCallback } from 'node:stream';
import { crc16Ccitt } from '../shelf/cobs.ts';
import { GateProtocolError } from './errors.ts';

/**
 * Sentences of the door/turnstile controller link (docs/gate-protocol.md): one ASCII line each,
 * `$` body `*` CRC-16/CCITT-FALSE of the body as 4 upper-case hex digits, CRLF. Device sentences
 * carry a per-sentence sequence number (gaps = lost lines) and the controller's uptime in ms.
 */

export type DoorState = 'open' | 'closed' | 'forced' | 'held';
export type AckResult = 'ok' | 'busy' | 'denied' | 'badarg' | 'unsupported';

interface Stamp {
  /** +1 per sentence the controller sends, 0-65535, wraps. */
  seq: number;
  /** Controller uptime (ms, u32) when the sentence was made. */
  ms: number;
}

export type DeviceSentence =
  | (Stamp & { type: 'passage'; direction: 'in' | 'out' })
  | (Stamp & { type: 'door'; state: DoorState })
  | (Stamp & { type: 'heartbeat'; gateId: string; passIn: number; passOut: number; door: DoorState })
  | (Stamp & { type: 'ack'; req: number; result: AckResult })
  | (Stamp & { type: 'status'; req: number; door: DoorState; passIn: number; passOut: number });

export type HostSentence = { type: 'open'; req: number; holdMs: number } | { type: 'query'; req: number };

export type Sentence = DeviceSentence | HostSentence;

const DOOR: Record<string, DoorState> = { OPEN: 'open', CLOSED: 'closed', FORCED: 'forced', HELD: 'held' };
const DOOR_WIRE: Record<DoorState, string> = {
  open: 'OPEN',
  closed: 'CLOSED',
  forced: 'FORCED',
  held: 'HELD',
};
const ACK: Record<string, AckResult> = {
  OK: 'ok',
  BUSY: 'busy',
  DENIED: 'denied',
  BADARG: 'badarg',
  UNSUP: 'unsupported',
};
const ACK_WIRE: Record<AckResult, string> = {
  ok: 'OK',
  busy: 'BUSY',
  denied: 'DENIED',
  badarg: 'BADARG',
  unsupported: 'UNSUP',
};

/** Longest sentence either side sends, terminator excluded (NMEA's 82 plus room for a gate id). */
export const MAX_SENTENCE = 120;

export function checksum(body: string): string {
  return crc16Ccitt(Buffer.from(body, 'latin1')).toString(16).toUpperCase().padStart(4, '0');
}

function wireFields(s: Sentence): string[] {
  switch (s.type) {
    case 'passage':
      return ['GPAS', String(s.seq), String(s.ms), s.direction === 'in' ? 'I' : 'O'];
    case 'door':
      return ['GDOR', String(s.seq), String(s.ms), DOOR_WIRE[s.state]];
    case 'heartbeat':
      return [
        'GHBT',
        String(s.seq),
        String(s.ms),
        s.gateId,
        String(s.passIn),
        String(s.passOut),
        DOOR_WIRE[s.door],
      ];
    case 'ack':
      return ['GACK', String(s.seq), String(s.ms), String(s.req), ACK_WIRE[s.result]];
    case 'status':
      return [
        'GSTA',
        String(s.seq),
        String(s.ms),
        String(s.req),
        DOOR_WIRE[s.door],
        String(s.passIn),
        String(s.passOut),
      ];
    case 'open':
      return ['GOPN', String(s.req), String(s.holdMs)];
    case 'query':
      return ['GQRY', String(s.req)];
  }
}

/** The sentence as it goes on the wire, CRLF included. */
export function encodeSentence(s: Sentence): string {
  const body = wireFields(s).join(',');
  return `$${body}*${checksum(body)}\r\n`;
}

function int(field: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined || !/^\d{1,10}$/.test(v))
    throw new GateProtocolError(field, `"${v ?? ''}" is not a number`);
  const n = Number(v);
  if (n < min || n > max) throw new GateProtocolError(field, `${n} is outside ${min}-${max}`);
  return n;
}

function door(field: string, v: string | undefined): DoorState {
  const d = v === undefined ? undefined : DOOR[v];
  if (!d) throw new GateProtocolError(field, `"${v ?? ''}" is not OPEN, CLOSED, FORCED or HELD`);
  return d;
}

const U32 = 0xffff_ffff;
const FIELDS: Record<string, number> = { GPAS: 4, GDOR: 4, GHBT: 7, GACK: 5, GSTA: 7, GOPN: 3, GQRY: 2 };

/**
 * Parses one line (terminator removed). Throws GateProtocolError with field `checksum` for a CRC
 * mismatch and another field name for anything else malformed.
 */
export function decodeSentence(line: string): Sentence {
  const star = line.length - 5;
  if (line[0] !== '$' || line[star] !== '*') throw new GateProtocolError('framing', 'not $…*HHHH');
  const body = line.slice(1, star);
  const sum = line.slice(star + 1);
  if (!/^[0-9A-F]{4}$/.test(sum)) throw new GateProtocolError('checksum', `"${sum}" is not 4 hex digits`);
  if (checksum(body) !== sum) throw new GateProtocolError('checksum', 'mismatch');
  const f = body.split(',');
  const tag = f[0] ?? '';
  const want = FIELDS[tag];
  if (want === undefined) throw new GateProtocolError('type', `unknown sentence "${tag}"`);
  if (f.length !== want) throw new GateProtocolError(tag, `has ${f.length} fields, expected ${want}`);
  if (tag === 'GOPN')
    return { type: 'open', req: int('req', f[1], 1, 65535), holdMs: int('holdMs', f[2], 100, 60_000) };
  if (tag === 'GQRY') return { type: 'query', req: int('req', f[1], 1, 65535) };
  const stamp = { seq: int('seq', f[1], 0, 65535), ms: int('ms', f[2], 0, U32) };
  switch (tag) {
    case 'GPAS': {
      if (f[3] !== 'I' && f[3] !== 'O') throw new GateProtocolError('direction', `"${f[3]}" is not I or O`);
      return { ...stamp, type: 'passage', direction: f[3] === 'I' ? 'in' : 'out' };
    }
    case 'GDOR':
      return { ...stamp, type: 'door', state: door('state', f[3]) };
    case 'GHBT': {
      const gateId = f[3] ?? '';
      if (!/^[\w.:-]{1,64}$/.test(gateId))
        throw new GateProtocolError('gateId', `"${gateId}" is not a gate id`);
      return {
        ...stamp,
        type: 'heartbeat',
        gateId,
        passIn: int('passIn', f[4], 0, U32),
        passOut: int('passOut', f[5], 0, U32),
        door: door('door', f[6]),
      };
    }
    case 'GACK': {
      const result = ACK[f[4] ?? ''];
      if (!result) throw new GateProtocolError('result', `"${f[4]}" is not a known result`);
      return { ...stamp, type: 'ack', req: int('req', f[3], 1, 65535), result };
    }
    default:
      return {
        ...stamp,
        type: 'status',
        req: int('req', f[3], 1, 65535),
        door: door('door', f[4]),
        passIn: int('passIn', f[5], 0, U32),
        passOut: int('passOut', f[6], 0, U32),
      };
  }
}

export interface SentenceCounters {
  sentences: number;
  badChecksums: number;
  malformed: number;
}

/** Lines in, validated sentences out (both object mode); bad lines are counted and skipped. */
export class SentenceParser extends Transform {
  readonly counters: SentenceCounters = { sentences: 0, badChecksums: 0, malformed: 0 };

  constructor() {
    super({ objectMode: true });
  }

  override _transform(line: string, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      const s = decodeSentence(line);
      this.counters.sentences++;
      this.push(s);
    } catch (err) {
      if (!(err instanceof GateProtocolError)) throw err;
      if (err.field === 'checksum') this.counters.badChecksums++;
      else this.counters.malformed++;
    }
    done();
  }
}
