import Database from 'better-sqlite3';
import { z } from 'zod';
import { parseOrThrow } from '../../core/validate.ts';

/** grams = (counts - offset) / scale. */
export const ChannelCalibration = z.strictObject({
  offset: z.number().finite().describe('Raw counts with the plate empty (tare)'),
  scale: z
    .number()
    .finite()
    .refine((v) => v !== 0, 'must not be 0')
    .describe('Counts per gram'),
});
export type ChannelCalibration = z.infer<typeof ChannelCalibration>;

/**
 * Per-channel calibration in a SQLite file, keyed by (controller id, channel). Controllers are
 * swappable, so calibration follows the controller id, not the port. Reads are cached in memory: the
 * driver converts every sample, writes happen only on tare/calibrate.
 */
export class CalibrationStore {
  private readonly db: Database.Database;
  private readonly cache = new Map<string, ChannelCalibration | null>();

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS shelf_calibration (
      controller_id TEXT NOT NULL,
      channel INTEGER NOT NULL,
      offset_counts REAL NOT NULL,
      counts_per_gram REAL NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (controller_id, channel)
    )`);
  }

  get(controllerId: string, channel: number): ChannelCalibration | undefined {
    const key = `${controllerId}#${channel}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const row = this.db
      .prepare(
        'SELECT offset_counts AS offset, counts_per_gram AS scale FROM shelf_calibration WHERE controller_id = ? AND channel = ?',
      )
      .get(controllerId, channel);
    const cal = row === undefined ? undefined : parseOrThrow(ChannelCalibration, row, `calibration ${key}`);
    this.cache.set(key, cal ?? null);
    return cal;
  }

  set(controllerId: string, channel: number, cal: ChannelCalibration): void {
    const valid = parseOrThrow(ChannelCalibration, cal, `calibration ${controllerId}#${channel}`);
    this.db
      .prepare(
        `INSERT INTO shelf_calibration (controller_id, channel, offset_counts, counts_per_gram, updated_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (controller_id, channel) DO UPDATE SET offset_counts = excluded.offset_counts,
           counts_per_gram = excluded.counts_per_gram, updated_at = excluded.updated_at`,
      )
      .run(controllerId, channel, valid.offset, valid.scale, Date.now());
    this.cache.set(`${controllerId}#${channel}`, valid);
  }

  close(): void {
    this.db.close();
  }
}
