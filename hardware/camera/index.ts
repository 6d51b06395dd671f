import { ConfigError } from '../../core/errors.ts';
import type { DeviceStatus } from '../../core/messages.ts';
import { parseOrThrow } from '../../core/validate.ts';
import type { Bus } from '../../edge/bus/index.ts';
import { CameraConfig, type CameraConfigInput } from './config.ts';
import { FfmpegCamera } from './ffmpeg-camera.ts';
import type { CameraFrame } from './frame-ring.ts';

/** Where a camera sends `device.status`: an edge Bus, or any object with publish. */
export type CameraSink = Pick<Bus, 'publish'>;

/** Plain numbers per camera; counters only grow. */
export interface CameraMetrics {
  /** Frames delivered to consumers. */
  frames: number;
  /** Frames decoded while consumers held every buffer (consumer slower than the stream). */
  dropped: number;
  /** Frames cut off by a disconnect. */
  partialFrames: number;
  /** Decoder runs that delivered at least one frame. */
  connects: number;
  /** Connects after the first: recoveries from a drop. */
  reconnects: number;
  /** Decoder runs that ended without a frame (stream not up, refused, bad URL). */
  failedAttempts: number;
  /** Streams that were up and then ended (server gone, network, decoder killed). */
  disconnects: number;
  /** Decoder runs killed for no frame within stallMs (streaming) or connectTimeoutMs (connecting). */
  stalls: number;
  /** Delivered frames per second over the last few seconds; 0 when the stream is down. */
  fps: number;
  /**
   * Delivery lag of the last frame, ms: its (arrival − presentation time) minus the smallest such
   * offset seen in this connection. Growth means frames queue somewhere between server and consumer.
   */
  lagMs: number;
}

export type CameraState = 'idle' | 'connecting' | 'streaming' | 'closed';

/** A camera as the edge sees it: decoded RGB frames at a fixed size, reconnecting on its own. */
export interface Camera {
  readonly cameraId: string;
  readonly width: number;
  readonly height: number;
  readonly metrics: CameraMetrics;
  readonly state: CameraState;
  /** pid of the current decoder process, if one runs (for operators and fault tests). */
  readonly decoderPid: number | undefined;
  /** Starts connecting in the background; retries with backoff until closed. */
  start(): void;
  /** Resolves when frames flow (immediately if they do); rejects after timeoutMs or on close. */
  waitStreaming(timeoutMs?: number): Promise<void>;
  /**
   * Calls `listener` with each frame; the frame is valid during the call, or until release() after
   * frame.retain(). Returns a function that removes the listener.
   */
  onFrame(listener: (frame: CameraFrame) => void): () => void;
  /** Each up/down change, as also published on the sink's `device.status`. */
  onStatus(listener: (status: DeviceStatus) => void): () => void;
  close(): Promise<void>;
}

/** Factory keyed by config `type`. Invalid config throws a ConfigError naming the field. */
export function createCamera(config: CameraConfigInput, deps: { sink?: CameraSink } = {}): Camera {
  const cfg = parseOrThrow(CameraConfig, config, 'camera config', ConfigError);
  switch (cfg.type) {
    case 'rtsp':
      return new FfmpegCamera(cfg, ['-rtsp_transport', cfg.transport, '-i', cfg.url], deps.sink);
    case 'file':
      // -re paces decoding at the footage's own frame rate, as a live camera would deliver it.
      return new FfmpegCamera(
        cfg,
        ['-re', ...(cfg.loop ? ['-stream_loop', '-1'] : []), '-i', cfg.path],
        deps.sink,
      );
  }
}

export { CameraConfig, type CameraConfigInput, FileCameraConfig, RtspCameraConfig } from './config.ts';
export * from './errors.ts';
export type { CameraFrame } from './frame-ring.ts';
export { FrameRing, RawFrameAssembler } from './frame-ring.ts';
