import type { Registry } from 'prom-client';
import type { InputTopic, Topic, TopicMap } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { EventStore } from '../storage/index.ts';
import type { SessionListener, Tracker } from '../tracking/index.ts';
import type { EngineConfigInput } from './config.ts';
import type { EngineCounters } from './metrics.ts';

/**
 * The edge fusion engine: consumes input messages in arrival order and emits `edge.*` topics.
 * Replay feeds it from a recording, live mode from the bus; both run the same code. Deterministic:
 * ids and times derive from the inputs only.
 */

export type Publish = <T extends Topic>(topic: T, msg: TopicMap[T]) => void;
export type TrackerFactory = (store: StoreModel, listener: SessionListener) => Tracker;

export interface EngineOptions {
  store: StoreModel;
  createTracker: TrackerFactory;
  config?: EngineConfigInput;
  /** Durable event store; when it holds a snapshot the engine resumes from it (see `resumePosition`). */
  storage?: EventStore;
  /** Identity of the input (recording hash, or `live:<store>`): a store bound to another input is refused. */
  sourceId?: string;
  publish?: Publish;
  /** Publish `edge.tracks` (shopper positions for dashboards) every this many store ms; off when unset. */
  tracksEveryMs?: number;
}

export interface Engine {
  /** Input messages already reflected in the state: a replay skips this many before feeding. */
  readonly resumePosition: number;
  /** Messages consumed so far (including those skipped through a resume). */
  readonly position: number;
  readonly clock: number;
  /** Feeds one input message; `at` is its arrival time (defaults to the time inside the message). */
  ingest<T extends InputTopic>(topic: T, msg: TopicMap[T], at?: number): void;
  /** Moves the clock without input (live mode idles, end of a replay). */
  tick(t: number): void;
  /** End of input: lets pending interactions settle, finalises exited sessions, writes a snapshot. */
  drain(): void;
  checkpoint(): void;
  counters(): EngineCounters;
  readonly metrics: Registry;
}

export { EngineConfig, type EngineConfigInput } from './config.ts';
export { createEngine } from './fusion-engine.ts';
export type { EngineCounters } from './metrics.ts';
