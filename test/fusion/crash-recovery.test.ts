import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStore } from '../../core/store/load-store.ts';
import { replayFile } from '../../edge/replay/index.ts';
import { createTracker } from '../../edge/tracking/create-tracker.ts';
import { writeCraftedRecording } from './crafted-recording.ts';

const dir = mkdtempSync(join(tmpdir(), 'walkout-crash-'));
const store = loadStore('demo');
const rec = join(dir, 'rec.ndjson');
const recNoTruth = join(dir, 'rec-notruth.ndjson');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const replay = (recording: string, out: string, db?: string) =>
  replayFile({
    recording,
    out,
    events: `${out}.events`,
    ...(db ? { db } : {}),
    createTracker: (s, l) => createTracker(s, l),
  });

function dbProgress(path: string): { position: number; receipts: number } {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const cp = db.prepare('SELECT position FROM checkpoint WHERE id = 1').get() as
        | { position: number }
        | undefined;
      const r = db.prepare('SELECT count(*) AS n FROM receipts').get() as { n: number };
      return { position: cp?.position ?? 0, receipts: r.n };
    } finally {
      db.close();
    }
  } catch {
    return { position: 0, receipts: 0 };
  }
}

/** Starts `walkout replay` in a child and kill -9s it once `ready` holds for its event store. */
async function killMidway(
  db: string,
  out: string,
  ready: (p: { position: number; receipts: number }) => boolean,
) {
  const child = spawn(
    process.execPath,
    ['bin/walkout.mjs', 'replay', rec, '--db', db, '--out', out, '--speed', '60'],
    { stdio: 'ignore', env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' } },
  );
  children.push(child);
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break;
    if (ready(dbProgress(db))) {
      child.kill('SIGKILL');
      break;
    }
    await sleep(50);
  }
  const code = await exited;
  expect(code).toBeNull(); // killed, not finished
}

describe('durability and honesty of replay', () => {
  beforeAll(async () => {
    // Crafted rather than simulated so this test stands on the engine alone; 8 shoppers, 4.5 minutes.
    await writeCraftedRecording(rec, store, { shoppers: 8, truth: true });
    await writeCraftedRecording(recNoTruth, store, { shoppers: 8, truth: false });
  }, 60_000);

  it('a recording without its ground truth yields byte-identical receipts and events', async () => {
    const a = await replay(rec, join(dir, 'a.ndjson'));
    const b = await replay(recNoTruth, join(dir, 'b.ndjson'));
    expect(a.receipts.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'b.ndjson'))).toEqual(readFileSync(join(dir, 'a.ndjson')));
    expect(readFileSync(join(dir, 'b.ndjson.events'))).toEqual(readFileSync(join(dir, 'a.ndjson.events')));
  }, 60_000);

  it('after kill -9 at two moments, the resumed replay equals an uninterrupted one, no duplicates', async () => {
    const ref = await replay(rec, join(dir, 'ref.ndjson'), join(dir, 'ref.db'));
    const db = join(dir, 'crash.db');
    const out = join(dir, 'crash.ndjson');
    await killMidway(db, out, (p) => p.position > 0);
    const first = dbProgress(db).position;
    await killMidway(db, out, (p) => p.position > first && p.receipts >= 1);
    const resumed = await replay(rec, out, db);
    expect(resumed.resumedFrom).toBeGreaterThan(first);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(join(dir, 'ref.ndjson'), 'utf8'));
    expect(readFileSync(`${out}.events`, 'utf8')).toBe(readFileSync(join(dir, 'ref.ndjson.events'), 'utf8'));
    const ids = resumed.receipts.map((r) => r.sessionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(ref.receipts.length);
  }, 80_000);
});
