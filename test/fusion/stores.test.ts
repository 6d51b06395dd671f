import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { replayFile } from '../../edge/replay/index.ts';
import { createTracker } from '../../edge/tracking/create-tracker.ts';
import { scoreReceipts } from '../../simulator/scoring/score.ts';
import { writeCraftedRecording } from './crafted-recording.ts';
import { modifiedStore } from './stores.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-stores-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stores other than the demo (crafted shoppers, one at a time)', () => {
  for (const [name, store] of [
    ['kiosk', loadStore('kiosk')],
    ['modified demo', modifiedStore()],
    ['demo', loadStore('demo')],
  ] as const) {
    it(`${name}: every receipt exact; anything charged is exact`, async () => {
      const path = join(dir, `${store.id}.ndjson`);
      const truth = await writeCraftedRecording(path, store, { shoppers: 6, truth: false, seed: 21 });
      const r = await replayFile({ recording: path, createTracker: (s, l) => createTracker(s, l) });
      const s = scoreReceipts(truth, r.receipts);
      expect(s.sessions).toBe(6);
      expect(s.exact).toBe(1);
      expect(s.f1).toBe(1);
      expect(s.reviewRate).toBeLessThanOrEqual(1 / 6);
      expect(r.events.length).toBeGreaterThanOrEqual(6 * 4);
    }, 30_000);
  }
});
