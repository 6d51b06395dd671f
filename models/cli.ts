import path from 'node:path';
import type { Command } from 'commander';
import type { PersonDetection } from '../core/messages.ts';
import { createPoseBackend } from '../edge/vision/index.ts';
import { readImage } from '../edge/vision/preprocess.ts';
import { readVideoFrames } from '../edge/vision/video-frames.ts';
import { modelsDir } from './cache.ts';
import { fetchModels } from './fetch.ts';
import { MANIFEST } from './manifest.ts';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff']);
const r1 = (v: number) => Math.round(v * 10) / 10;
const r3 = (v: number) => Math.round(v * 1000) / 1000;

function frameJson(frame: number, persons: PersonDetection[]): string {
  return JSON.stringify({
    frame,
    persons: persons.map((p) => ({
      score: r3(p.score),
      box: p.box.map(r1),
      keypoints: p.keypoints.map(([x, y, s]) => [r1(x), r1(y), r3(s)]),
    })),
  });
}

export function registerModelCommands(program: Command): void {
  const models = program.command('models').description('Pose model registry');
  models
    .command('list')
    .description('List supported models')
    .action(() => {
      for (const m of MANIFEST)
        process.stdout.write(
          `${m.name}\t${m.runtime}\t${m.task}\t${m.input.sizes.join(',')}\t${m.licence}\n`,
        );
    });
  models
    .command('fetch [names...]')
    .description(
      'Fetch models into the cache (WALKOUT_CACHE/models, default .cache/models) and verify checksums',
    )
    .action(async (names: string[]) => {
      const got = await fetchModels(names.length ? names : undefined);
      process.stdout.write(
        got.length
          ? `fetched ${got.join(', ')} into ${modelsDir()}\n`
          : `models up to date in ${modelsDir()}\n`,
      );
    });
  program
    .command('detect <input>')
    .description('Run pose detection on an image or video; prints person count and keypoints per frame')
    .option('--model <name>', 'model name or .onnx path', 'movenet-multipose')
    .option('--backend <backend>', 'wasm | node | onnx', 'wasm')
    .option('--input-size <n>', 'model input size', (v) => Number(v), 256)
    .option('--frames <n>', 'stop after n frames', (v) => Number(v))
    .option('--json', 'one JSON object per frame per line')
    .action(
      async (
        input: string,
        o: { model: string; backend: string; inputSize: number; frames?: number; json?: boolean },
      ) => {
        const backend = await createPoseBackend({
          backend: o.backend as 'wasm',
          model: o.model,
          inputSize: o.inputSize,
        });
        const print = (frame: number, persons: PersonDetection[]) => {
          if (o.json) process.stdout.write(`${frameJson(frame, persons)}\n`);
          else {
            process.stdout.write(`frame ${frame}: ${persons.length} person(s)\n`);
            for (const p of persons)
              process.stdout.write(
                `  score ${r3(p.score)} box [${p.box.map(r1).join(', ')}] keypoints ${p.keypoints.map(([x, y, s]) => `(${r1(x)},${r1(y)},${r3(s)})`).join(' ')}\n`,
              );
          }
        };
        try {
          if (IMAGE_EXT.has(path.extname(input).toLowerCase()))
            print(0, await backend.detect(await readImage(input)));
          else
            for await (const f of readVideoFrames(input, { count: o.frames }))
              print(f.index, await backend.detect(f));
        } finally {
          await backend.dispose();
        }
      },
    );
}
