import type { TruthEvent, TruthReceipt } from '../../core/receipt.ts';
import { RecordingWriter } from '../../core/recording/index.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import * as simulator from '../../simulator/index.ts';
import {
  DEFAULT_START_MS,
  type PresetName,
  type SimEntry,
  type SimulationOptions,
} from '../../simulator/index.ts';

type SimulateFn = (o: SimulationOptions) => Iterable<SimEntry> | AsyncIterable<SimEntry>;

/** The simulator's `simulate`, looked up at run time so this area builds while it is being written. */
export const simulate: SimulateFn | undefined = (() => {
  const fn = (simulator as Record<string, unknown>).simulate;
  return typeof fn === 'function' ? (fn as SimulateFn) : undefined;
})();

function sim(): SimulateFn {
  if (!simulate) throw new Error('simulator/index.ts does not export simulate() yet');
  return simulate;
}

/** Writes a simulated recording; `truth: false` leaves the ground truth out. */
export async function writeSimRecording(
  path: string,
  o: { store: StoreModel; preset: PresetName; seed: number; durationMs: number; truth?: boolean },
): Promise<void> {
  const w = RecordingWriter.open(path, {
    generator: 'walkout test/fusion',
    store: o.store.config,
    sim: { preset: o.preset, seed: o.seed, startMs: DEFAULT_START_MS, durationMs: o.durationMs },
  });
  for await (const e of sim()({ store: o.store, preset: o.preset, seed: o.seed, durationMs: o.durationMs })) {
    if (e.kind === 'message') w.message(e.at, e.topic, e.msg);
    else if (o.truth !== false) w.truth(e.truth);
    await w.flushIfNeeded();
  }
  await w.close();
}

/** Splits a simulation into the messages the edge may see and the truth receipts it must not. */
export async function simulateSplit(o: {
  store: StoreModel;
  preset: PresetName;
  seed: number;
  durationMs: number;
}): Promise<{
  messages: Array<Extract<SimEntry, { kind: 'message' }>>;
  truth: TruthReceipt[];
  events: TruthEvent[];
}> {
  const messages: Array<Extract<SimEntry, { kind: 'message' }>> = [];
  const truth: TruthReceipt[] = [];
  const events: TruthEvent[] = [];
  for await (const e of sim()(o)) {
    if (e.kind === 'message') messages.push(e);
    else if (e.truth.truth === 'receipt') truth.push(e.truth);
    else if (e.truth.truth === 'event') events.push(e.truth);
  }
  return { messages, truth, events };
}
