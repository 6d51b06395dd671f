import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { openRecording } from '../../core/recording/index.ts';
import { StoreModel } from '../../core/store/store-model.ts';
import type { ReplayOptions, ReplayResult } from './replay-entries.ts';
import { replayEntries } from './replay-entries.ts';

export interface ReplayFileOptions extends Omit<ReplayOptions, 'store' | 'entries' | 'sourceId'> {
  recording: string;
  /** receipts.ndjson: one Receipt per line. */
  out?: string;
  /** events.ndjson: one ShelfEvent per line. */
  events?: string;
}

const ndjson = (rows: unknown[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('');

/** Replays a recording file; the store comes from the recording's header. */
export async function replayFile(o: ReplayFileOptions): Promise<ReplayResult> {
  const rec = await openRecording(o.recording);
  const store = new StoreModel(rec.header.store);
  // The header (store file, simulation parameters) identifies the input for resuming a --db.
  const sourceId = createHash('sha256').update(JSON.stringify(rec.header)).digest('hex');
  const { recording: _r, out, events, ...rest } = o;
  const result = await replayEntries({ ...rest, store, entries: rec.entries(), sourceId });
  if (out) await writeFile(out, ndjson(result.receipts));
  if (events) await writeFile(events, ndjson(result.events));
  return result;
}
