import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPoseBackend, type RgbFrame } from '../../edge/vision/index.ts';
import { readVideoFrames } from '../../edge/vision/video-frames.ts';
import { ensureFootage } from '../../test/fixtures/fetch-footage.ts';
import { writeYoloPoseModel } from '../../test/vision/yolo-pose-model.ts';
import { fetchModels } from '../fetch.ts';

/**
 * Vision benchmark: ms per frame and fps per backend × input size on vtest.avi (768×576), each
 * configuration in its own process so peak RSS is its own. Last line: {"results":[...]}.
 * BENCH_FRAMES (default 12) frames are timed after 2 warm-up frames, decode excluded.
 */
const run = promisify(execFile);
const FRAMES = Number(process.env.BENCH_FRAMES ?? 12);

interface Result {
  backend: string;
  model: string;
  input: number;
  inputShape: string;
  msPerFrame: number;
  fps: number;
  peakRssMB: number;
  /** null for the ONNX stub: it is not a pose model, so its speed says nothing about capacity. */
  camerasAt10fps: number | null;
}

async function one(backendName: 'wasm' | 'onnx', input: number, square: boolean): Promise<Result> {
  const { vtest } = await ensureFootage();
  const frames: RgbFrame[] = [];
  for await (const f of readVideoFrames(vtest, { count: FRAMES + 2 })) frames.push(f);
  let model = 'movenet-multipose';
  let tmp: string | undefined;
  if (backendName === 'onnx') {
    // No real YOLO-pose weights are fetchable here: the stub measures ORT + pre/post-processing overhead.
    tmp = await mkdtemp(path.join(os.tmpdir(), 'walkout-bench-'));
    model = path.join(tmp, 'yolo-pose-stub.onnx');
    await writeYoloPoseModel(model, input, [{ cx: 20, cy: 20, w: 10, h: 20, score: 0.9 }]);
  }
  const backend = await createPoseBackend({
    backend: backendName,
    model,
    inputSize: input,
    squareInput: square,
  });
  for (const f of frames.slice(0, 2)) await backend.detect(f);
  const t0 = performance.now();
  for (const f of frames.slice(2)) await backend.detect(f);
  const ms = (performance.now() - t0) / (frames.length - 2);
  await backend.dispose();
  if (tmp) await rm(tmp, { recursive: true, force: true });
  return {
    backend: backend.name,
    model: backendName === 'onnx' ? 'yolo-pose-stub' : model,
    input,
    inputShape:
      square || backendName === 'onnx'
        ? `${input}x${input}`
        : `${input}x${Math.ceil((input * 576) / 768 / 32) * 32}`,
    msPerFrame: Math.round(ms * 10) / 10,
    fps: Math.round((1000 / ms) * 10) / 10,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    camerasAt10fps: backendName === 'onnx' ? null : Math.floor(1000 / ms / 10),
  };
}

const [mode, b, size, shape] = process.argv.slice(2);
if (mode === '--one') {
  process.stdout.write(
    `${JSON.stringify(await one(b as 'wasm' | 'onnx', Number(size), shape === 'square'))}\n`,
  );
} else {
  await fetchModels(['movenet-multipose']);
  await ensureFootage();
  const results: Result[] = [];
  const configs = [
    ['wasm', 256, 'square'],
    ['wasm', 256, 'fit'],
    ['wasm', 512, 'square'],
    ['wasm', 512, 'fit'],
    ['onnx', 256, 'square'],
    ['onnx', 512, 'square'],
  ] as const;
  for (const [backend, input, shape] of configs) {
    const { stdout } = await run(
      process.execPath,
      [...process.execArgv, process.argv[1] ?? '', '--one', backend, String(input), shape],
      {
        env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
      },
    );
    const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Result;
    process.stderr.write(
      `${r.backend} ${r.model} ${r.inputShape}: ${r.msPerFrame} ms/frame, ${r.fps} fps, ${r.peakRssMB} MB\n`,
    );
    results.push(r);
  }
  // wasm is single-threaded in Node: one process per core is how an edge box uses its cores.
  // Two processes at 256 fit, run at the same time; aggregate fps = sum of both.
  const pair = await Promise.all(
    [0, 1].map(() =>
      run(process.execPath, [...process.execArgv, process.argv[1] ?? '', '--one', 'wasm', '256', 'fit'], {
        env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
      }).then(({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Result),
    ),
  );
  const fps = Math.round(pair.reduce((a, r) => a + r.fps, 0) * 10) / 10;
  const parallel = {
    processes: 2,
    inputShape: pair[0]?.inputShape,
    msPerFrameEach: pair.map((r) => r.msPerFrame),
    aggregateFps: fps,
    camerasAt10fps: Math.floor(fps / 10),
  };
  process.stderr.write(
    `2 processes wasm 256 fit: ${pair.map((r) => r.msPerFrame).join(' / ')} ms/frame, ${fps} fps together\n`,
  );
  process.stdout.write(`${JSON.stringify({ results, parallel, cores: os.availableParallelism() })}\n`);
}
