import type { InputTopic, TopicMap } from '../core/messages.ts';
import type { Truth } from '../core/receipt.ts';
import type { StoreModel } from '../core/store/store-model.ts';

/** Preset names are part of the CLI contract (`walkout sim --preset`). */
export const PRESETS = ['single', 'busy', 'crowded', 'lookalike', 'returns', 'faults'] as const;
export type PresetName = (typeof PRESETS)[number];

export interface SimulationOptions {
  store: StoreModel;
  preset: PresetName;
  seed: number;
  /** Window during which shoppers arrive; shoppers still inside afterwards finish and exit. */
  durationMs: number;
  /** Store clock at t = 0 (ms since epoch); fixed default so equal arguments give equal output. */
  startMs?: number;
  /** Entry token of the i-th arriving session (the demo uses real cloud tokens); default opaque random. */
  tokenFor?: (index: number) => string;
  /** Debug/test hook: true positions of everyone inside, every 60 Hz step. Never part of the output. */
  observe?: (
    t: number,
    shoppers: ReadonlyArray<{ token: string; member: number; x: number; y: number; height: number }>,
  ) => void;
}

/** What the simulator produces, in non-decreasing arrival time (`at`) for messages. */
export type SimEntry =
  | { kind: 'message'; at: number; topic: InputTopic; msg: TopicMap[InputTopic] }
  | { kind: 'truth'; truth: Truth };

export const DEFAULT_START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

export { simulate } from './simulate.ts';
