/**
 * One hour of the `busy` preset in the demo store, serialised to a recording (gzip) like
 * `walkout sim` does. Prints a JSON line last: simSeconds, wallSeconds, xRealtime, samplesPerSec, peakRssMB.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingWriter } from '../../core/recording/index.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { DEFAULT_START_MS, simulate } from '../index.ts';

const minutes = Number(process.env.SIM_MINUTES ?? 60);
const store = loadStore('demo');
const dir = mkdtempSync(join(tmpdir(), 'walkout-bench-sim-'));
const path = join(dir, 'busy.ndjson.gz');
const durationMs = minutes * 60_000;
let peak = 0;
const sampleRss = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 200);
const started = performance.now();
const w = RecordingWriter.open(path, {
  generator: 'bench-sim',
  store: store.config,
  sim: { preset: 'busy', seed: 1, startMs: DEFAULT_START_MS, durationMs },
});
let samples = 0;
let messages = 0;
let first = Number.POSITIVE_INFINITY;
let last = 0;
for (const e of simulate({ store, preset: 'busy', seed: 1, durationMs })) {
  if (e.kind === 'message') {
    w.message(e.at, e.topic, e.msg);
    messages++;
    first = Math.min(first, e.at);
    last = Math.max(last, e.at);
    if (e.topic === 'shelf.samples') samples += (e.msg as { grams: unknown[] }).grams.length;
    if ((messages & 4095) === 0) {
      await w.flushIfNeeded();
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  } else w.truth(e.truth);
}
await w.close();
clearInterval(sampleRss);
const wallSeconds = (performance.now() - started) / 1000;
const simSeconds = (last - first) / 1000;
const size = statSync(path).size;
rmSync(dir, { recursive: true, force: true });
console.error(
  `${messages} messages, ${samples} load-cell samples, recording ${(size / 1e6).toFixed(0)} MB gzip`,
);
console.log(
  JSON.stringify({
    simSeconds: Math.round(simSeconds),
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    xRealtime: Math.round((simSeconds / wallSeconds) * 10) / 10,
    samplesPerSec: Math.round(samples / wallSeconds),
    peakRssMB: Math.round(peak / 1e6),
  }),
);
