import { Transform, type TransformCallback } from 'node:stream';
import type { RgbFrame } from '../../edge/vision/index.ts';

/**
 * A decoded frame in one of the camera's preallocated buffers. It is valid while held: during the
 * synchronous 'frame' handlers, or from retain() until release(). Once released the buffer is reused.
 */
export interface CameraFrame extends RgbFrame {
  readonly cameraId: string;
  readonly data: Buffer;
  /** Camera-wide frame number across reconnects; gaps mean frames dropped before delivery. */
  readonly seq: number;
  /** Wall-clock ms when the frame's last byte left the decoder (the capture time downstream uses). */
  readonly t: number;
  /** Presentation time in the stream, seconds (NaN when the decoder did not report it). */
  readonly pts: number;
  retain(): void;
  release(): void;
}

export class FrameSlot implements CameraFrame {
  readonly data: Buffer;
  seq = 0;
  t = 0;
  pts = Number.NaN;
  /** Frame number within the current decoder run, as ffmpeg counts it (showinfo `n`). */
  index = 0;
  holds = 0;

  constructor(
    readonly cameraId: string,
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 3);
  }

  retain(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds > 0) this.holds--;
  }
}

/** The camera's frame buffers, allocated once; a scratch slot absorbs frames nobody has room for. */
export class FrameRing {
  readonly slots: FrameSlot[];
  readonly scratch: FrameSlot;
  private next = 0;

  constructor(cameraId: string, width: number, height: number, size: number) {
    this.slots = Array.from({ length: size }, () => new FrameSlot(cameraId, width, height));
    this.scratch = new FrameSlot(cameraId, width, height);
  }

  get frameBytes(): number {
    return this.scratch.data.length;
  }

  /** A free slot, held by the caller; the scratch slot when consumers hold every buffer. */
  acquire(): FrameSlot {
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[(this.next + i) % this.slots.length] as FrameSlot;
      if (s.holds === 0) {
        this.next = (this.next + i + 1) % this.slots.length;
        s.holds = 1;
        return s;
      }
    }
    return this.scratch;
  }
}

/**
 * Cuts ffmpeg's raw rgb24 byte stream into frames, copying straight into ring slots (no allocation per
 * frame). Pushes each complete slot, still held: the reader releases it after delivery. A frame that
 * found no free slot is decoded into the scratch slot and counted as dropped; bytes of a frame cut
 * off by a disconnect are counted as a partial frame.
 */
export class RawFrameAssembler extends Transform {
  /** Complete frames seen in this run, delivered or not (ffmpeg's frame count). */
  index = 0;
  dropped = 0;
  partial = 0;
  private cur: FrameSlot | undefined;
  private filled = 0;

  constructor(
    private readonly ring: FrameRing,
    private readonly now: () => number = Date.now,
    /** Called per dropped frame, as it happens (nothing else runs while consumers hold everything). */
    private readonly onDrop: () => void = () => {},
  ) {
    super({ readableObjectMode: true, readableHighWaterMark: ring.slots.length });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const size = this.ring.frameBytes;
    let off = 0;
    while (off < chunk.length) {
      if (!this.cur) {
        this.cur = this.ring.acquire();
        this.filled = 0;
      }
      const n = chunk.copy(
        this.cur.data,
        this.filled,
        off,
        off + Math.min(chunk.length - off, size - this.filled),
      );
      off += n;
      this.filled += n;
      if (this.filled < size) continue;
      const slot = this.cur;
      this.cur = undefined;
      slot.t = this.now();
      slot.index = this.index++;
      if (slot === this.ring.scratch) {
        this.dropped++;
        this.onDrop();
      } else this.push(slot);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.cur) {
      this.partial++;
      if (this.cur !== this.ring.scratch) this.cur.release();
      this.cur = undefined;
    }
    done();
  }
}
