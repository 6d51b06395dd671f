import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { createLogger } from '../../core/log.ts';
import type { PersonDetection } from '../../core/messages.ts';
import { modelsDir } from '../../models/cache.ts';
import { cachedPath, requireCached } from '../../models/fetch.ts';
import { findModel } from '../../models/manifest.ts';
import { VisionError } from './errors.ts';
import type { PoseBackend, RgbFrame, VisionConfig } from './index.ts';
import { decodeMoveNet } from './movenet-decode.ts';
import { letterbox } from './preprocess.ts';

const log = createLogger('vision.tfjs');
const require = createRequire(import.meta.url);

/**
 * Loads TensorFlow.js. `node` prefers @tensorflow/tfjs-node (native, optional: imported dynamically
 * so it need not be installed) and falls back to wasm; wasm binaries come from node_modules, never the network.
 */
async function loadTf(cfg: VisionConfig): Promise<{ tf: typeof TF; backend: string }> {
  if (cfg.backend === 'node') {
    try {
      const modName = '@tensorflow/tfjs-node';
      const tf = (await import(modName)) as typeof TF;
      await tf.ready();
      return { tf, backend: 'tensorflow' };
    } catch (err) {
      log.warn({ err: (err as Error).message }, '@tensorflow/tfjs-node unavailable; falling back to wasm');
    }
  }
  const tf = await import('@tensorflow/tfjs');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (tf.getBackend() !== 'wasm') {
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(`${dir}${path.sep}`);
    wasm.setThreadsCount(cfg.threads ?? os.availableParallelism());
    if (!(await tf.setBackend('wasm'))) throw new VisionError('could not initialise the tfjs wasm backend');
    await tf.ready();
  }
  return { tf, backend: 'wasm' };
}

/** MoveNet MultiPose (TF.js graph model) on the tfjs wasm or native backend. */
export class TfjsPoseBackend implements PoseBackend {
  private constructor(
    readonly name: string,
    private readonly tf: typeof TF,
    private readonly model: TF.GraphModel,
    private readonly cfg: VisionConfig,
  ) {}

  static async create(cfg: VisionConfig): Promise<TfjsPoseBackend> {
    const entry = findModel(cfg.model);
    if (!entry || entry.runtime !== 'tfjs' || entry.decoder !== 'movenet-multipose')
      throw new VisionError(`model "${cfg.model}" is not a tfjs MultiPose model`);
    if (!entry.input.sizes.includes(cfg.inputSize))
      throw new VisionError(
        `model ${entry.name} takes input sizes ${entry.input.sizes.join(', ')}, not ${cfg.inputSize}`,
      );
    const dir = cfg.cacheDir ?? modelsDir();
    await requireCached(entry, dir);
    const { tf, backend } = await loadTf(cfg);
    const jsonFile = entry.source.files.find((f) => f.path.endsWith('.json'));
    const binFile = entry.source.files.find((f) => f.path.endsWith('.bin'));
    if (!jsonFile || !binFile) throw new VisionError(`model ${entry.name} lacks json/bin files`);
    const json = JSON.parse(await readFile(cachedPath(jsonFile.path, dir), 'utf8')) as {
      modelTopology: object;
      weightsManifest: { weights: TF.io.WeightsManifestEntry[] }[];
    };
    const bin = await readFile(cachedPath(binFile.path, dir));
    const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
    const model = await tf.loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData,
      }),
    );
    log.debug({ backend, model: entry.name, inputSize: cfg.inputSize }, 'model loaded');
    return new TfjsPoseBackend(`tfjs-${backend}`, tf, model, cfg);
  }

  async detect(frame: RgbFrame): Promise<PersonDetection[]> {
    const lb = await letterbox(frame, this.cfg.inputSize, this.cfg.squareInput);
    const { tf } = this;
    const input = tf.tensor4d(Int32Array.from(lb.data), [1, lb.height, lb.width, 3], 'int32');
    try {
      const out = this.model.execute(input) as TF.Tensor;
      const raw = await out.data<'float32'>();
      out.dispose();
      return decodeMoveNet(raw, lb, frame, this.cfg.minScore);
    } finally {
      input.dispose();
    }
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}
