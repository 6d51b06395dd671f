import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { WalkoutError } from '../errors.ts';
import { type InputTopic, InputTopicSchemas, type TopicMap } from '../messages.ts';
import { type Truth, Truth as TruthSchema } from '../receipt.ts';
import { formatIssues } from '../validate.ts';
import { EndLine, MessageLine, RecordingHeader } from './schema.ts';

/** A corrupt or truncated recording; entries before `line` were delivered. */
export class CorruptRecordingError extends WalkoutError {
  constructor(
    readonly path: string,
    readonly line: number,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${path}: line ${line} (byte ${offset}): ${reason}`);
  }
}

export type RecordingEntry =
  | { kind: 'message'; line: number; at: number; topic: InputTopic; msg: TopicMap[InputTopic] }
  | { kind: 'truth'; line: number; truth: Truth };

export interface Recording {
  header: RecordingHeader;
  /** Streams entries in file order; throws CorruptRecordingError at the first bad line. */
  entries(): AsyncGenerator<RecordingEntry>;
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

interface Line {
  text: string;
  no: number;
  offset: number;
}

/**
 * The file's lines in batches, one per chunk read. Splitting the chunks here, not with readline,
 * and handing them on a chunk at a time rather than a line at a time took a seventh off replay time:
 * readline's decoding, its line regex and one async step per line were spent on every line.
 * "\r\n" ends a line like "\n" does.
 */
async function* lines(path: string): AsyncGenerator<Line[]> {
  // 64 KiB reads: with 1 MiB ones a chunk's 4 000-odd lines outlived the young generation, and the
  // replay ran 7 % slower with 70 MB more resident (plain file, 12 min of busy).
  const file = createReadStream(path, { highWaterMark: 1 << 16 });
  // Large gunzip chunks: the default 16 KiB made decompression callbacks a tenth of replay time
  // (64 KiB ones: as fast as 1 MiB within 2 %, 40 MB less resident; kept at 1 MiB for speed).
  const input: Readable = (await isGzip(path)) ? file.pipe(createGunzip({ chunkSize: 1 << 20 })) : file;
  // Surface gunzip errors through the iterator instead of as unhandled stream errors.
  file.on('error', (e) => input.destroy(e));
  let no = 0;
  // Byte offset of `rest` in the file, and the bytes after the last complete line.
  let base = 0;
  let rest: Buffer = Buffer.alloc(0);
  const line = (buf: Buffer, start: number, end: number): Line => {
    const stop = end > start && buf[end - 1] === 0x0d ? end - 1 : end;
    return { text: buf.toString('utf8', start, stop), no: ++no, offset: base + start };
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    const batch: Line[] = [];
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      batch.push(line(buf, start, nl));
      start = nl + 1;
    }
    base += start;
    rest = buf.subarray(start);
    if (batch.length > 0) yield batch;
  }
  if (rest.length > 0) yield [line(rest, 0, rest.length)];
}

function parseJson(path: string, l: Line): unknown {
  try {
    return JSON.parse(l.text);
  } catch (e) {
    throw new CorruptRecordingError(path, l.no, l.offset, `not JSON: ${(e as Error).message}`);
  }
}

/** Opens a recording (plain or gzip NDJSON) and validates its header. */
export async function openRecording(path: string): Promise<Recording> {
  const it = lines(path);
  let batch: IteratorResult<Line[]>;
  try {
    batch = await it.next();
  } catch (e) {
    throw new CorruptRecordingError(path, 1, 0, (e as Error).message);
  }
  const head = batch.done ? undefined : batch.value.shift();
  if (!head) throw new CorruptRecordingError(path, 1, 0, 'empty file');
  const parsed = RecordingHeader.safeParse(parseJson(path, head));
  if (!parsed.success)
    throw new CorruptRecordingError(path, 1, 0, `bad header: ${formatIssues(parsed.error).join('; ')}`);
  const header = parsed.data;
  let used = false;

  async function* entries(): AsyncGenerator<RecordingEntry> {
    if (used) throw new WalkoutError('recording entries can be iterated only once');
    used = true;
    let last: Line = head as Line;
    let ended = false;
    const firstBatch = batch.done ? [] : batch.value;
    async function* allBatches(): AsyncGenerator<Line[]> {
      yield firstBatch;
      yield* it;
    }
    try {
      for await (const b of allBatches())
        for (const l of b) {
          last = l;
          if (ended) throw new CorruptRecordingError(path, l.no, l.offset, 'data after the end marker');
          if (l.text === '') continue;
          const doc = parseJson(path, l) as Record<string, unknown>;
          if (doc !== null && typeof doc === 'object' && 'topic' in doc) {
            const m = MessageLine.safeParse(doc);
            if (!m.success)
              throw new CorruptRecordingError(path, l.no, l.offset, formatIssues(m.error).join('; '));
            const msg = InputTopicSchemas[m.data.topic].safeParse(m.data.msg);
            if (!msg.success)
              throw new CorruptRecordingError(
                path,
                l.no,
                l.offset,
                formatIssues(msg.error)
                  .map((s) => `msg.${s}`)
                  .join('; '),
              );
            yield { kind: 'message', line: l.no, at: m.data.at, topic: m.data.topic, msg: msg.data };
          } else if (doc !== null && typeof doc === 'object' && 'truth' in doc) {
            const t = TruthSchema.safeParse(doc);
            if (!t.success)
              throw new CorruptRecordingError(path, l.no, l.offset, formatIssues(t.error).join('; '));
            yield { kind: 'truth', line: l.no, truth: t.data };
          } else if (doc !== null && typeof doc === 'object' && 'end' in doc) {
            const e = EndLine.safeParse(doc);
            if (!e.success)
              throw new CorruptRecordingError(path, l.no, l.offset, formatIssues(e.error).join('; '));
            ended = true;
          } else {
            throw new CorruptRecordingError(
              path,
              l.no,
              l.offset,
              'line is neither a message, a truth nor the end marker',
            );
          }
        }
    } catch (e) {
      if (e instanceof CorruptRecordingError) throw e;
      throw new CorruptRecordingError(
        path,
        last.no + 1,
        last.offset + Buffer.byteLength(last.text) + 1,
        (e as Error).message,
      );
    }
    if (!ended)
      throw new CorruptRecordingError(
        path,
        last.no + 1,
        last.offset + Buffer.byteLength(last.text) + 1,
        'truncated: no end marker',
      );
  }

  return { header, entries };
}
