import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { parseOrThrow } from '../../core/validate.ts';
import { busPublishOption, busSubscribeOption } from '../../edge/bus/cli-options.ts';
import { ZmqBus } from '../../edge/bus/index.ts';
import { CameraConfig, type CameraConfigInput, createCamera } from './index.ts';
import { CameraPoseWorker } from './pose-worker.ts';
import { ThreadedPoseBackend } from './threaded-backend.ts';

const log = createLogger('hardware.camera.cli');

interface CameraOptions {
  store: string;
  camera: string;
  url?: string;
  file?: string;
  size: string;
  stallMs: number;
  connectTimeoutMs: number;
  backend: string;
  model: string;
  inputSize: number;
  busPublish: string;
  busSubscribe: string;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** `walkout camera`: one process per camera, decoding its stream and publishing poses to the bus. */
export function registerCameraCommands(program: Command): void {
  program
    .command('camera')
    .description(
      'Run one camera: decode its RTSP stream (or footage) with ffmpeg, run the pose model within a frame budget, publish camera.poses and device.status to the bus',
    )
    .requiredOption('--store <store>', 'built-in store name or store file (camera ids, resolutions)')
    .requiredOption('--camera <id>', 'camera id as in the store file')
    .option('--url <rtsp-url>', 'stream URL, e.g. rtsp://10.0.0.21:554/stream1')
    .option('--file <path>', 'recorded footage instead of a stream (played in real time, looping)')
    .option('--size <WxH>', 'decode size (the pose model input)', '512x384')
    .option('--stall-ms <ms>', 'restart the decoder after this long without a frame', (v) => Number(v), 5000)
    .option(
      '--connect-timeout-ms <ms>',
      'restart the decoder when no first frame came this long after starting it',
      (v) => Number(v),
      10_000,
    )
    .option('--backend <backend>', 'pose runtime: wasm | node | onnx', 'wasm')
    .option('--model <name>', 'model name or .onnx path', 'movenet-multipose')
    .option('--input-size <n>', 'model input size', (v) => Number(v), 256)
    .addOption(busPublishOption())
    .addOption(busSubscribeOption())
    .action(async (o: CameraOptions) => {
      if ((o.url === undefined) === (o.file === undefined))
        throw new ConfigError('camera options', ['url: give exactly one of --url and --file']);
      const store = loadStore(o.store);
      const cam = store.config.cameras.find((c) => c.id === o.camera);
      if (!cam)
        throw new ConfigError('camera options', [
          `camera: "${o.camera}" is not in store ${store.config.id} (has ${store.config.cameras.map((c) => c.id).join(', ') || 'none'})`,
        ]);
      const common = {
        cameraId: o.camera,
        size: o.size,
        stallMs: o.stallMs,
        connectTimeoutMs: o.connectTimeoutMs,
      };
      const config: CameraConfigInput =
        o.url !== undefined
          ? { type: 'rtsp', url: o.url, ...common }
          : { type: 'file', path: o.file ?? '', ...common };
      // Validate before opening sockets or loading a model: a typo fails at once, and the process exits.
      parseOrThrow(CameraConfig, config, 'camera config', ConfigError);
      const bus = await ZmqBus.connect({ publish: o.busPublish, subscribe: o.busSubscribe });
      const camera = createCamera(config, { sink: bus });
      // Inference off the main thread, so the camera's frames keep being read while the model runs.
      const backend = await ThreadedPoseBackend.create({
        backend: o.backend as 'wasm',
        model: o.model,
        inputSize: o.inputSize,
      });
      const worker = new CameraPoseWorker(camera, backend, bus, cam.resolution);
      // A dead model thread cannot recover in-process: exit non-zero so the supervisor restarts us.
      const died = new Promise<Error>((resolve) => {
        backend.onDeath = resolve;
      });
      camera.start();
      log.info({ camera: o.camera, backend: backend.name, size: o.size }, 'camera worker running');
      const report = setInterval(
        () => log.info({ camera: o.camera, ...camera.metrics, ...worker.counters }, 'camera metrics'),
        60_000,
      );
      const reason = await Promise.race([untilSignal(), died]);
      clearInterval(report);
      if (reason instanceof Error) {
        log.error({ err: reason }, 'pose thread died, exiting');
        process.exitCode = 1;
      }
      await camera.close();
      await worker.stop();
      await backend.dispose();
      await bus.close();
    });
}
