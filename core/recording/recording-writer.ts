import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import type { InputTopic, TopicMap } from '../messages.ts';
import type { Truth } from '../receipt.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './schema.ts';

const FLUSH_BYTES = 1 << 20;

/**
 * Streams a recording to disk in bounded memory: lines are buffered up to 1 MiB, then written with
 * back-pressure. `.gz` paths are gzip-compressed. Output depends only on what is written, so the
 * same simulation gives byte-identical files.
 */
export class RecordingWriter {
  private chunks: string[] = [];
  private buffered = 0;
  private messages = 0;
  private truths = 0;

  private constructor(
    private readonly file: WriteStream,
    private readonly sink: WriteStream | Gzip,
  ) {}

  static open(path: string, header: Omit<RecordingHeader, 'format' | 'version'>): RecordingWriter {
    const file = createWriteStream(path);
    const sink = path.endsWith('.gz') ? createGzip({ level: 1 }) : file;
    if (sink !== file) (sink as Gzip).pipe(file);
    const w = new RecordingWriter(file, sink);
    w.push(JSON.stringify({ format: RECORDING_FORMAT, version: RECORDING_VERSION, ...header }));
    return w;
  }

  message<T extends InputTopic>(at: number, topic: T, msg: TopicMap[T]): void {
    this.messages++;
    this.push(`{"at":${at},"topic":"${topic}","msg":${JSON.stringify(msg)}}`);
  }

  truth(t: Truth): void {
    this.truths++;
    this.push(JSON.stringify(t));
  }

  /** Call regularly from producers: resolves once buffered data has been handed to the OS. */
  async flushIfNeeded(): Promise<void> {
    if (this.buffered >= FLUSH_BYTES) await this.flush();
  }

  async close(): Promise<void> {
    this.push(JSON.stringify({ end: { messages: this.messages, truths: this.truths } }));
    await this.flush();
    this.sink.end();
    await once(this.file, 'close');
  }

  private push(line: string): void {
    this.chunks.push(line, '\n');
    this.buffered += line.length + 1;
  }

  private async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const data = this.chunks.join('');
    this.chunks = [];
    this.buffered = 0;
    if (!this.sink.write(data)) await once(this.sink, 'drain');
  }
}
