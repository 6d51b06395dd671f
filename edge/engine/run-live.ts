import { createLogger } from '../../core/log.ts';
import { INPUT_TOPICS, type InputTopic, type TopicMap } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { Bus } from '../bus/index.ts';
import { type EventStore, openEventStore } from '../storage/index.ts';
import type { EngineConfigInput } from './config.ts';
import { createEngine, type Engine, type TrackerFactory } from './index.ts';

const log = createLogger('edge.live');

export interface LiveEngineOptions {
  store: StoreModel;
  bus: Bus;
  createTracker: TrackerFactory;
  /** Event store path; a restart with the same path resumes open sessions and carts. */
  db: string;
  config?: EngineConfigInput;
  /** How often the clock moves on while no message arrives (ms). */
  tickMs?: number;
}

export interface LiveEngine {
  engine: Engine;
  stop(): Promise<void>;
}

/**
 * Runs the engine on live bus inputs: every input topic is fed in arrival order, outputs go back on
 * the bus. While inputs are quiet the store clock advances with the wall clock, so exits still finalise.
 */
export function startLiveEngine(o: LiveEngineOptions): LiveEngine {
  const storage: EventStore = openEventStore(o.db);
  const engine = createEngine({
    store: o.store,
    createTracker: o.createTracker,
    storage,
    sourceId: `live:${o.store.id}`,
    ...(o.config ? { config: o.config } : {}),
    publish: (topic, msg) => o.bus.publish(topic, msg),
    tracksEveryMs: 200,
  });
  let lastWall = performance.now();
  let lastClock = engine.clock;
  const unsubs = INPUT_TOPICS.map((topic) =>
    o.bus.subscribe(topic, (msg) => {
      // Process health from `walkout supervise` is no sensor input, and its wall-clock time must not
      // move the store clock (a simulated store runs on its own clock).
      if (topic === 'device.status' && (msg as TopicMap['device.status']).kind === 'worker') return;
      engine.ingest(topic as InputTopic, msg as TopicMap[InputTopic]);
      lastWall = performance.now();
      lastClock = engine.clock;
    }),
  );
  const timer = setInterval(() => {
    if (lastClock > 0) engine.tick(lastClock + (performance.now() - lastWall));
  }, o.tickMs ?? 250);
  log.info({ store: o.store.id, db: o.db, resumedAt: engine.resumePosition }, 'edge engine running');
  return {
    engine,
    async stop() {
      clearInterval(timer);
      for (const u of unsubs) u();
      engine.checkpoint();
      storage.close();
    },
  };
}
