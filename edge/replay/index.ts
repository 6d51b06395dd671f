/**
 * Replay: feeds recorded (or simulated) input messages through the same Engine as live mode, as fast
 * as possible or paced. Ground truth is stripped before anything reaches the engine.
 */
export { type ReplayEntry, type ReplayOptions, type ReplayResult, replayEntries } from './replay-entries.ts';
export { type ReplayFileOptions, replayFile } from './replay-file.ts';
