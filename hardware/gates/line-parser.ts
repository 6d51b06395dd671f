import { Transform, type TransformCallback } from 'node:stream';

/** What the line splitter threw away, by reason; each bad line counts once. */
export interface LineCounters {
  /** Lines passed on. */
  lines: number;
  /** Lines holding a byte outside printable ASCII (line noise, a wrong baud rate). */
  nonPrintable: number;
  /** Lines longer than `maxLength`, dropped unread. */
  overlong: number;
  /** Line starts never terminated: cut off by `lineTimeoutMs` of silence or by the port closing. */
  partial: number;
  bytes: number;
}

export interface LineParserOptions {
  /** Longest line passed on, terminator excluded. */
  maxLength: number;
  /**
   * A device writes a line in one burst; bytes pending longer than this without a terminator are a
   * fragment (a cable glitch, a half-sent line before an unplug) and must not be glued to the next line.
   */
  lineTimeoutMs: number;
  now?: () => number;
}

/**
 * Bytes in, ASCII lines out (object mode, strings without terminator). CR, LF and CRLF all end a
 * line, so both scanner "suffix" settings work; empty lines are skipped. A line with any byte
 * outside 0x20-0x7E, or longer than `maxLength`, is counted and dropped whole, never passed on
 * truncated: a shortened token or sentence could be mistaken for a valid one.
 */
export class LineParser extends Transform {
  readonly counters: LineCounters = { lines: 0, nonPrintable: 0, overlong: 0, partial: 0, bytes: 0 };
  private readonly buf: Buffer;
  private len = 0;
  private overflow = false;
  private bad = false;
  private lastByteAt = 0;
  private readonly now: () => number;

  constructor(private readonly opts: LineParserOptions) {
    super({ readableObjectMode: true });
    this.buf = Buffer.alloc(opts.maxLength);
    this.now = opts.now ?? (() => performance.now());
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.counters.bytes += chunk.length;
    const now = this.now();
    if (this.pending() && now - this.lastByteAt > this.opts.lineTimeoutMs) this.dropPartial();
    this.lastByteAt = now;
    for (const b of chunk) {
      if (b === 0x0d || b === 0x0a) {
        this.finishLine();
        continue;
      }
      if (b < 0x20 || b > 0x7e) this.bad = true;
      if (this.len < this.opts.maxLength) this.buf[this.len++] = b;
      else this.overflow = true;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    this.dropPartial();
    done();
  }

  /** Drops an unterminated line start (the port closed under it), counting it. */
  dropPartial(): void {
    if (this.pending()) this.counters.partial++;
    this.reset();
  }

  private pending(): boolean {
    return this.len > 0 || this.overflow;
  }

  private reset(): void {
    this.len = 0;
    this.overflow = false;
    this.bad = false;
  }

  private finishLine(): void {
    const { len, overflow, bad } = this;
    this.reset();
    if (len === 0 && !overflow) return;
    if (overflow) this.counters.overlong++;
    else if (bad) this.counters.nonPrintable++;
    else {
      this.counters.lines++;
      this.push(this.buf.toString('latin1', 0, len));
    }
  }
}
