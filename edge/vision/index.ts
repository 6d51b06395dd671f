import { z } from 'zod';
import type { PersonDetection } from '../../core/messages.ts';
import { parseOrThrow } from '../../core/validate.ts';

/** An RGB frame, 3 bytes per pixel, row-major. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A pose model on some runtime: RGB frame in, persons in the frame's pixel coordinates out. */
export interface PoseBackend {
  readonly name: string;
  detect(frame: RgbFrame): Promise<PersonDetection[]>;
  dispose(): Promise<void>;
}

export const VisionConfig = z.strictObject({
  backend: z
    .enum(['wasm', 'node', 'onnx'])
    .default('wasm')
    .describe('wasm/node: TensorFlow.js; onnx: ONNX Runtime'),
  model: z
    .string()
    .min(1)
    .default('movenet-multipose')
    .describe('Manifest name, or a path to an .onnx file for onnx'),
  inputSize: z
    .number()
    .int()
    .min(32)
    .max(1024)
    .multipleOf(32)
    .default(256)
    .describe('Square model input size'),
  squareInput: z
    .boolean()
    .default(false)
    .describe('tfjs: pad to a square input; false pads the short side only to a multiple of 32 (faster)'),
  minScore: z.number().min(0).max(1).default(0.2).describe('Drop persons scoring below this'),
  iouThreshold: z.number().min(0).max(1).default(0.5).describe('NMS IoU threshold (onnx)'),
  threads: z.number().int().min(1).max(64).optional().describe('wasm threads (default: all cores)'),
  executionProvider: z
    .enum(['cpu', 'cuda'])
    .default('cpu')
    .describe('onnx execution provider; cuda falls back to cpu'),
  cacheDir: z.string().optional().describe('Model cache (default WALKOUT_CACHE/models)'),
});
export type VisionConfig = z.infer<typeof VisionConfig>;
export type VisionConfigInput = z.input<typeof VisionConfig>;

export { VisionError } from './errors.ts';

/** Factory keyed by `backend`; implementations are loaded lazily so unused runtimes cost nothing. */
export async function createPoseBackend(input: VisionConfigInput): Promise<PoseBackend> {
  const cfg = parseOrThrow(VisionConfig, input, 'vision config');
  if (cfg.backend === 'onnx') {
    const { OnnxPoseBackend } = await import('./onnx-backend.ts');
    return OnnxPoseBackend.create(cfg);
  }
  const { TfjsPoseBackend } = await import('./tfjs-backend.ts');
  return TfjsPoseBackend.create(cfg);
}
