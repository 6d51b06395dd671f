import { existsSync } from 'node:fs';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';
import { createLogger } from '../../core/log.ts';
import type { PersonDetection } from '../../core/messages.ts';
import { modelsDir } from '../../models/cache.ts';
import { VisionError } from './errors.ts';
import type { PoseBackend, RgbFrame, VisionConfig } from './index.ts';
import { letterbox } from './preprocess.ts';
import { decodeYoloPose, YOLO_POSE_ROWS } from './yolo-decode.ts';

const log = createLogger('vision.onnx');

/** A store-provided YOLO-pose ONNX model ([1,3,S,S] float RGB 0..1 in, [1,56,N] out) on ONNX Runtime. */
export class OnnxPoseBackend implements PoseBackend {
  private constructor(
    readonly name: string,
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    private readonly cfg: VisionConfig,
  ) {}

  static async create(cfg: VisionConfig): Promise<OnnxPoseBackend> {
    const file = cfg.model.endsWith('.onnx')
      ? path.resolve(cfg.model)
      : path.join(cfg.cacheDir ?? modelsDir(), `${cfg.model}.onnx`);
    if (!existsSync(file)) throw new VisionError(`ONNX model ${file} not found`);
    const ort = await import('onnxruntime-node');
    let session: Ort.InferenceSession | undefined;
    let provider = 'cpu';
    if (cfg.executionProvider === 'cuda') {
      try {
        session = await ort.InferenceSession.create(file, { executionProviders: ['cuda', 'cpu'] });
        provider = 'cuda';
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'CUDA execution provider unavailable; using CPU');
      }
    }
    session ??= await ort.InferenceSession.create(file, { executionProviders: ['cpu'] });
    log.debug({ file, provider }, 'onnx model loaded');
    return new OnnxPoseBackend(`onnx-${provider}`, ort, session, cfg);
  }

  async detect(frame: RgbFrame): Promise<PersonDetection[]> {
    const { size, data } = await letterbox(frame, this.cfg.inputSize);
    const plane = size * size;
    const chw = new Float32Array(3 * plane);
    for (let p = 0; p < plane; p++) {
      chw[p] = (data[p * 3] ?? 0) / 255;
      chw[plane + p] = (data[p * 3 + 1] ?? 0) / 255;
      chw[2 * plane + p] = (data[p * 3 + 2] ?? 0) / 255;
    }
    const inputName = this.session.inputNames[0] ?? 'images';
    const outputName = this.session.outputNames[0] ?? 'output0';
    const res = await this.session.run({
      [inputName]: new this.ort.Tensor('float32', chw, [1, 3, size, size]),
    });
    const out = res[outputName];
    if (!out || out.dims.length !== 3 || out.dims[1] !== YOLO_POSE_ROWS)
      throw new VisionError(
        `expected YOLO-pose output [1,${YOLO_POSE_ROWS},N], got [${out?.dims.join(',')}]`,
      );
    const lb = { size, width: size, height: size, scale: size / Math.max(frame.width, frame.height), data };
    return decodeYoloPose(
      out.data as Float32Array,
      Number(out.dims[2]),
      lb,
      frame,
      this.cfg.minScore,
      this.cfg.iouThreshold,
    );
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
