import { setTimeout as sleep } from 'node:timers/promises';
import type { InputTopic, ShelfEvent, TopicMap } from '../../core/messages.ts';
import type { Receipt } from '../../core/receipt.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import {
  createEngine,
  type EngineConfigInput,
  type EngineCounters,
  type Publish,
  type TrackerFactory,
} from '../engine/index.ts';
import { type EventStore, openEventStore } from '../storage/index.ts';

/** Anything shaped like a recording entry or a simulator entry; truth entries are dropped here. */
export type ReplayEntry =
  | { kind: 'message'; at: number; topic: InputTopic; msg: TopicMap[InputTopic] }
  | { kind: 'truth' };

export interface ReplayOptions {
  store: StoreModel;
  entries: AsyncIterable<ReplayEntry> | Iterable<ReplayEntry>;
  createTracker: TrackerFactory;
  config?: EngineConfigInput;
  /** 'max' or a real-time factor (1 = as recorded, 10 = ten times faster). */
  speed?: 'max' | number;
  /** Event store path (resumes from its snapshot); default an in-memory store. */
  db?: string;
  /** Identity of the input so a store is never resumed with another recording. */
  sourceId?: string;
  publish?: Publish;
  /** Called after each message the engine consumed (tests use it to crash mid-way). */
  onProgress?: (position: number) => void;
}

export interface ReplayResult {
  receipts: Receipt[];
  events: ShelfEvent[];
  counters: EngineCounters;
  messages: number;
  resumedFrom: number;
  wallMs: number;
  /** Store-clock span of the input. */
  spanMs: number;
}

export async function replayEntries(o: ReplayOptions): Promise<ReplayResult> {
  const storage: EventStore = openEventStore(o.db ?? ':memory:');
  const started = performance.now();
  try {
    const engine = createEngine({
      store: o.store,
      createTracker: o.createTracker,
      ...(o.config ? { config: o.config } : {}),
      storage,
      ...(o.sourceId ? { sourceId: o.sourceId } : {}),
      ...(o.publish ? { publish: o.publish } : {}),
    });
    const skip = engine.resumePosition;
    let seen = 0;
    let firstAt: number | null = null;
    let lastAt = 0;
    const speed = o.speed ?? 'max';
    for await (const e of o.entries) {
      if (e.kind !== 'message') continue;
      seen++;
      firstAt ??= e.at;
      lastAt = e.at;
      if (seen <= skip) continue;
      if (speed !== 'max') {
        const due = (e.at - firstAt) / speed - (performance.now() - started);
        if (due > 5) await sleep(due);
      }
      engine.ingest(e.topic, e.msg, e.at);
      o.onProgress?.(engine.position);
    }
    engine.drain();
    return {
      receipts: storage.receipts(),
      events: storage.events(),
      counters: engine.counters(),
      messages: seen,
      resumedFrom: skip,
      wallMs: performance.now() - started,
      spanMs: firstAt === null ? 0 : lastAt - firstAt,
    };
  } finally {
    storage.close();
  }
}
