import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TruthEvent, TruthReceipt } from '../../core/receipt.ts';
import { RecordingWriter } from '../../core/recording/index.ts';
import { loadStore } from '../../core/store/load-store.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import {
  DEFAULT_START_MS,
  PRESETS,
  type PresetName,
  type SimEntry,
  simulate,
} from '../../simulator/index.ts';
import { type Score, scoreReceipts } from '../../simulator/scoring/score.ts';
import { type ReplayEntry, replayEntries } from '../replay/index.ts';
import { createTracker } from '../tracking/create-tracker.ts';
import { type EventAccuracy, eventAccuracy } from './event-accuracy.ts';

/**
 * `npm run bench:fusion -- [--seeds 10] [--minutes 30] [--presets busy,single] [--store demo] [--speed-minutes 60]`
 * Accuracy per preset (mean over seeds), then replay speed and peak memory of one busy recording in a
 * child process (one thread). The engine never sees truth: it is split off before replay.
 * Last stdout line: {"busy":{"exact":…,"f1":…,"reviewRate":…},…,"xRealtime":…,"peakRssMB":…}
 */
const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    minutes: { type: 'string', default: '30' },
    presets: { type: 'string', default: PRESETS.join(',') },
    store: { type: 'string', default: 'demo' },
    'speed-minutes': { type: 'string', default: '60' },
  },
});
const seeds = Number(args.seeds);
const minutes = Number(args.minutes);
const speedMinutes = Number(args['speed-minutes']);
const presets = (args.presets ?? '').split(',').filter(Boolean) as PresetName[];
for (const p of presets) if (!PRESETS.includes(p)) throw new Error(`unknown preset "${p}"`);
const store = loadStore(args.store ?? 'demo');

async function* messagesOnly(
  src: AsyncIterable<SimEntry> | Iterable<SimEntry>,
  truth: TruthReceipt[],
  events: TruthEvent[],
) {
  for await (const e of src) {
    if (e.kind === 'message') yield e as ReplayEntry;
    else if (e.truth.truth === 'receipt') truth.push(e.truth);
    else if (e.truth.truth === 'event') events.push(e.truth);
  }
}

async function runOne(s: StoreModel, preset: PresetName, seed: number): Promise<[Score, EventAccuracy]> {
  const truth: TruthReceipt[] = [];
  const events: TruthEvent[] = [];
  const src = simulate({ store: s, preset, seed, durationMs: minutes * 60_000 });
  const r = await replayEntries({
    store: s,
    entries: messagesOnly(src, truth, events),
    createTracker: (st, l) => createTracker(st, l),
  });
  return [scoreReceipts(truth, r.receipts), eventAccuracy(events, r.events)];
}

const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
const result: Record<string, unknown> = {};
for (const preset of presets) {
  const scores: Score[] = [];
  const what: EventAccuracy[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const [sc, ev] = await runOne(store, preset, seed);
    scores.push(sc);
    what.push(ev);
  }
  const mean = (k: 'exact' | 'f1' | 'reviewRate' | 'wrongChargeRate' | 'overchargeRate') =>
    r4(scores.reduce((s, x) => s + x[k], 0) / scores.length);
  const sum = (k: keyof EventAccuracy) => what.reduce((s, x) => s + x[k], 0);
  result[preset] = {
    exact: mean('exact'),
    f1: mean('f1'),
    reviewRate: mean('reviewRate'),
    // Charged without review and wrong; of those, billing something not carried out.
    wrongCharge: mean('wrongChargeRate'),
    overcharge: mean('overchargeRate'),
    sessions: scores.reduce((s, x) => s + x.sessions, 0),
    // The "what" half alone: interactions whose best hypothesis is the true sku × count × direction.
    eventAccuracy: r4(sum('correct') / Math.max(1, sum('truth'))),
    eventsMissed: sum('missed'),
    eventsExtra: sum('extra'),
  };
  process.stderr.write(`${preset.padEnd(10)} ${JSON.stringify(result[preset])}\n`);
}

if (speedMinutes > 0) {
  const dir = mkdtempSync(join(tmpdir(), 'walkout-bench-'));
  try {
    const rec = join(dir, 'busy.ndjson');
    const durationMs = speedMinutes * 60_000;
    const w = RecordingWriter.open(rec, {
      generator: 'walkout bench-fusion',
      store: store.config,
      sim: { preset: 'busy', seed: 1, startMs: DEFAULT_START_MS, durationMs },
    });
    for await (const e of simulate({ store, preset: 'busy', seed: 1, durationMs }) as
      | AsyncIterable<SimEntry>
      | Iterable<SimEntry>) {
      if (e.kind === 'message') w.message(e.at, e.topic, e.msg);
      await w.flushIfNeeded();
    }
    await w.close();
    // One core: pin the child when taskset is available.
    const node = [process.execPath, '--import', 'tsx', 'edge/bench/replay-speed.ts', rec];
    const cmd = existsSync('/usr/bin/taskset') ? ['/usr/bin/taskset', '-c', '0', ...node] : node;
    const out = execFileSync(cmd[0] as string, cmd.slice(1), {
      encoding: 'utf8',
      env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
      maxBuffer: 1 << 20,
    });
    const speed = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      xRealtime: number;
      peakRssMB: number;
    };
    process.stderr.write(`speed      ${out.trim()}\n`);
    result.xRealtime = speed.xRealtime;
    result.peakRssMB = speed.peakRssMB;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`${JSON.stringify(result)}\n`);
