import { z } from 'zod';

const Size = z
  .string()
  .regex(/^\d{2,4}x\d{2,4}$/, 'must be WIDTHxHEIGHT, e.g. 512x384')
  .default('512x384')
  .transform((s) => s.split('x').map(Number) as [number, number])
  .refine(
    ([w, h]) => w % 2 === 0 && h % 2 === 0 && w >= 32 && h >= 32,
    'width and height must be even, >= 32',
  );

const Reconnect = z
  .strictObject({
    initialMs: z.number().int().positive().default(250).describe('First retry delay'),
    maxMs: z.number().int().positive().default(5000).describe('Retry delay cap (doubling backoff)'),
  })
  .default({ initialMs: 250, maxMs: 5000 })
  .describe('Backoff while the stream is down or not up yet');

/** Settings every camera kind shares. */
const common = {
  cameraId: z.string().min(1).max(128).describe('Camera id as in the store file'),
  size: Size.describe('Frames are scaled to this size (the pose model input)'),
  ringSize: z
    .number()
    .int()
    .min(2)
    .max(64)
    .default(4)
    .describe('Preallocated frame buffers; a frame arriving while all are held by consumers is dropped'),
  stallMs: z
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe('No frame for this long while streaming: kill the decoder and reconnect'),
  connectTimeoutMs: z
    .number()
    .int()
    .min(100)
    .default(10_000)
    .describe('No first frame this long after starting the decoder (hung connect): kill it and retry'),
  reconnect: Reconnect,
  ffmpeg: z.string().min(1).default('ffmpeg').describe('ffmpeg binary (Debian: /usr/bin/ffmpeg)'),
};

export const RtspCameraConfig = z.strictObject({
  type: z.literal('rtsp').describe('Camera kind; the factory is keyed by it'),
  url: z
    .string()
    .regex(/^rtsps?:\/\/[^\s/?#]+(?::\d+)?(?:[/?#]\S*)?$/, 'must be an rtsp:// or rtsps:// URL with a host')
    .describe('Stream URL, e.g. rtsp://user:pass@10.0.0.21:554/stream1'),
  transport: z.enum(['tcp', 'udp']).default('tcp').describe('RTP transport; tcp survives packet loss'),
  ...common,
});
export type RtspCameraConfig = z.infer<typeof RtspCameraConfig>;

/** Recorded footage played at its own frame rate, looping: a camera for replays and demos. */
export const FileCameraConfig = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1).describe('Any video ffmpeg reads'),
  loop: z.boolean().default(true).describe('Start over at the end instead of ending'),
  ...common,
});
export type FileCameraConfig = z.infer<typeof FileCameraConfig>;

export const CameraConfig = z.discriminatedUnion('type', [RtspCameraConfig, FileCameraConfig]);
export type CameraConfig = z.infer<typeof CameraConfig>;
export type CameraConfigInput = z.input<typeof CameraConfig>;
