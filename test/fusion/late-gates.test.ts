import { describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { replayEntries } from '../../edge/replay/index.ts';
import { createTracker } from '../../edge/tracking/create-tracker.ts';
import { scoreReceipts } from '../../simulator/scoring/score.ts';
import { simulateSplit } from './recordings.ts';

type Entry = Awaited<ReturnType<typeof simulateSplit>>['messages'][number];

/**
 * The stream as the edge gets it when one kind of gate message travels slower than the rest: each
 * keeps its time stamp but is delivered `delayMs` of store time later (scanner, door and cameras
 * are separate links, and a loaded node reads them at different paces).
 */
function delayed(messages: Entry[], late: (e: Entry) => boolean, delayMs: number): Entry[] {
  return messages
    .map((e, i) => ({ e, i, at: e.at + (late(e) ? delayMs : 0) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ e }) => e);
}

const direction = (e: Entry) =>
  e.topic === 'gate.passage' ? (e.msg as { direction: string }).direction : null;

describe('gate messages delivered late', () => {
  it('bind and release every shopper as on time: receipts exact, none in review', async () => {
    const store = loadStore('demo');
    const { messages, truth } = await simulateSplit({
      store,
      preset: 'single',
      seed: 1,
      durationMs: 240_000,
    });
    const cases: Array<[string, (e: Entry) => boolean, number]> = [
      ['on time', () => false, 0],
      ['scans after their passages', (e) => e.topic === 'gate.scan', 3000],
      ['entry passages', (e) => direction(e) === 'in', 6000],
      ['exit passages', (e) => direction(e) === 'out', 3000],
    ];
    for (const [name, late, ms] of cases) {
      const entries = delayed(messages, late, ms);
      let tracker: ReturnType<typeof createTracker> | undefined;
      const r = await replayEntries({
        store,
        entries,
        createTracker: (s, l) => {
          tracker = createTracker(s, l);
          return tracker;
        },
      });
      const score = scoreReceipts(truth, r.receipts);
      expect({ name, sessions: score.sessions, exact: score.exact, review: score.reviewRate }).toEqual({
        name,
        sessions: 4,
        exact: 1,
        review: 0,
      });
      expect(tracker?.counters().unscannedPassages, name).toBe(0);
    }
  }, 60_000);
});
