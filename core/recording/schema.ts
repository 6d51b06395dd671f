import { z } from 'zod';
import { InputTopicSchemas } from '../messages.ts';
import { StoreConfig } from '../store/store-config.ts';

export const RECORDING_FORMAT = 'walkout-recording';
export const RECORDING_VERSION = 1;

/** First line of every recording. */
export const RecordingHeader = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(RECORDING_VERSION),
  generator: z.string().min(1).describe('Program and version that wrote the file'),
  store: StoreConfig,
  /** Present for simulated traffic; absent for traffic recorded in a store. */
  sim: z
    .strictObject({
      preset: z.string(),
      seed: z.number().int(),
      startMs: z.number().nonnegative(),
      durationMs: z.number().positive(),
    })
    .optional(),
});
export type RecordingHeader = z.infer<typeof RecordingHeader>;

const topicNames = Object.keys(InputTopicSchemas) as [
  keyof typeof InputTopicSchemas,
  ...(keyof typeof InputTopicSchemas)[],
];

/** A sensor message as it arrived at the edge (`at`, which may differ from the capture time inside). */
export const MessageLine = z.strictObject({
  at: z.number().finite().nonnegative(),
  topic: z.enum(topicNames),
  msg: z.unknown(),
});

/** Last line: its absence means the recording was truncated. */
export const EndLine = z.strictObject({
  end: z.strictObject({ messages: z.number().int().nonnegative(), truths: z.number().int().nonnegative() }),
});
