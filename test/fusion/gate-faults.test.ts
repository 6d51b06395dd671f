import { describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { replayEntries } from '../../edge/replay/index.ts';
import { createTracker } from '../../edge/tracking/create-tracker.ts';
import type { TrackerCounters } from '../../edge/tracking/index.ts';
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

type Counted = Pick<TrackerCounters, 'unscannedPassages' | 'entriesWithoutPassage' | 'exitsFromCameras'>;
const none: Counted = { unscannedPassages: 0, entriesWithoutPassage: 0, exitsFromCameras: 0 };

describe('gate messages late or lost', () => {
  it('bind and release every shopper as if on time: receipts exact, none in review, the losses counted', async () => {
    const store = loadStore('demo');
    const { messages, truth } = await simulateSplit({
      store,
      preset: 'single',
      seed: 1,
      durationMs: 240_000,
    });
    const cases: Array<[string, Entry[], Counted]> = [
      ['on time', messages, none],
      // The door's passages reach the edge later than the scanner's scans and cameras' frames.
      ['scans 3 s after their passages', delayed(messages, (e) => e.topic === 'gate.scan', 3000), none],
      ['entry passages 6 s late', delayed(messages, (e) => direction(e) === 'in', 6000), none],
      ['exit passages 3 s late', delayed(messages, (e) => direction(e) === 'out', 3000), none],
      [
        'entry passages lost',
        messages.filter((e) => direction(e) !== 'in'),
        { ...none, entriesWithoutPassage: 4 },
      ],
      [
        'exit passages lost',
        messages.filter((e) => direction(e) !== 'out'),
        { ...none, exitsFromCameras: 4 },
      ],
    ];
    for (const [name, entries, counted] of cases) {
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
      const c = tracker?.counters();
      expect({
        name,
        sessions: score.sessions,
        receipts: r.receipts.length,
        exact: score.exact,
        review: score.reviewRate,
        unscannedPassages: c?.unscannedPassages,
        entriesWithoutPassage: c?.entriesWithoutPassage,
        exitsFromCameras: c?.exitsFromCameras,
      }).toEqual({ name, sessions: 4, receipts: 4, exact: 1, review: 0, ...counted });
    }
  }, 90_000);
});
