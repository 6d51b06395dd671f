import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../core/errors.ts';
import type { PersonDetection } from '../../core/messages.ts';
import { parseOrThrow } from '../../core/validate.ts';
import { VisionError } from '../../edge/vision/errors.ts';
import {
  type PoseBackend,
  type RgbFrame,
  VisionConfig,
  type VisionConfigInput,
} from '../../edge/vision/index.ts';

export type ThreadRequest = { type: 'detect'; id: number; width: number; height: number } | { type: 'close' };
export type ThreadReply = { id: number; persons?: PersonDetection[]; error?: string; ready?: string };

/**
 * A pose backend in a worker thread. Inference on wasm blocks its thread for 50-500 ms per frame; on
 * the main thread that stops the camera's pipe from being read, so ffmpeg and the RTSP connection back
 * up and frames arrive seconds late (measured: 4 fps, 6.7 s lag at input 512). Here the main thread
 * keeps reading every frame and the frame budget drops the surplus. One frame in flight at a time,
 * copied into one SharedArrayBuffer allocated up front (grown only for a larger frame size).
 */
export class ThreadedPoseBackend implements PoseBackend {
  private nextId = 1;
  private pending = new Map<
    number,
    { resolve: (p: PersonDetection[]) => void; reject: (e: Error) => void }
  >();
  private chain: Promise<unknown> = Promise.resolve();
  /** Set once the thread died: later calls fail at once instead of waiting forever. */
  private dead: Error | undefined;
  private disposing = false;

  private constructor(
    private readonly worker: Worker,
    private readonly shared: Uint8Array,
    readonly name: string,
  ) {
    worker.on('message', (r: ThreadReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.error !== undefined) p.reject(new VisionError(r.error));
      else p.resolve(r.persons ?? []);
    });
    worker.on('error', (err) => this.failAll(err as Error));
    worker.on('exit', (code) => {
      if (!this.disposing) this.failAll(new VisionError(`pose thread exited (${code})`));
    });
  }

  static async create(
    input: VisionConfigInput,
    maxFrameBytes = 1024 * 768 * 3,
  ): Promise<ThreadedPoseBackend> {
    const config = parseOrThrow(VisionConfig, input, 'vision config', ConfigError);
    const sab = new SharedArrayBuffer(maxFrameBytes);
    const worker = new Worker(new URL('./pose-thread.mjs', import.meta.url), {
      workerData: { config, shared: sab },
    });
    const name = await new Promise<string>((resolve, reject) => {
      const onMsg = (r: ThreadReply) => {
        if (r.ready === undefined) return;
        worker.off('message', onMsg);
        resolve(`${r.ready} (worker thread)`);
      };
      worker.on('message', onMsg);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new VisionError(`pose thread exited (${code}) while loading`)));
    });
    return new ThreadedPoseBackend(worker, new Uint8Array(sab), name);
  }

  detect(frame: RgbFrame): Promise<PersonDetection[]> {
    // Serialised: the shared buffer holds one frame.
    const run = this.chain.then(() => this.detectOne(frame));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private detectOne(frame: RgbFrame): Promise<PersonDetection[]> {
    if (this.dead) throw this.dead;
    const bytes = frame.width * frame.height * 3;
    if (bytes > this.shared.length)
      throw new VisionError(`frame ${frame.width}x${frame.height} exceeds the shared buffer`);
    this.shared.set(frame.data.subarray(0, bytes));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({
        type: 'detect',
        id,
        width: frame.width,
        height: frame.height,
      } satisfies ThreadRequest);
    });
  }

  /** Called once if the thread dies (crash, out of memory): nothing can be inferred afterwards. */
  onDeath: ((err: Error) => void) | undefined;

  private failAll(err: Error): void {
    if (!this.dead) this.onDeath?.(err);
    this.dead ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async dispose(): Promise<void> {
    if (this.dead) return;
    this.disposing = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' } satisfies ThreadRequest);
    const t = setTimeout(() => void this.worker.terminate(), 5000);
    await exited;
    clearTimeout(t);
  }
}
