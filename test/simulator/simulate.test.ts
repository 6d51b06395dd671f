import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import type { TruthEvent, TruthSession } from '../../core/receipt.ts';
import { CorruptRecordingError, openRecording, RecordingWriter } from '../../core/recording/index.ts';
import { loadStore, loadStoreConfig, parseStoreConfig } from '../../core/store/load-store.ts';
import { DEFAULT_START_MS, type PresetName, type SimEntry, simulate } from '../../simulator/index.ts';
import { WalkGrid } from '../../simulator/walk-grid.ts';

const store = loadStore('demo');
const dir = mkdtempSync(join(tmpdir(), 'walkout-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collect(preset: PresetName, seed: number, durationMs: number): SimEntry[] {
  return [...simulate({ store, preset, seed, durationMs })];
}

async function write(
  path: string,
  entries: SimEntry[],
  preset: PresetName,
  seed: number,
  durationMs: number,
): Promise<void> {
  const w = RecordingWriter.open(path, {
    generator: 'test',
    store: store.config,
    sim: { preset, seed, startMs: DEFAULT_START_MS, durationMs },
  });
  for (const e of entries) {
    if (e.kind === 'message') w.message(e.at, e.topic, e.msg);
    else w.truth(e.truth);
    await w.flushIfNeeded();
  }
  await w.close();
}

const busy = collect('busy', 42, 4 * 60_000);

describe('simulator', () => {
  it('lets every shopper exit, with messages in arrival order', () => {
    const scans = busy.filter((e) => e.kind === 'message' && e.topic === 'gate.scan').length;
    const sessions = busy.filter((e) => e.kind === 'truth' && e.truth.truth === 'session') as Array<{
      truth: TruthSession;
    }>;
    expect(scans).toBeGreaterThan(10);
    expect(sessions).toHaveLength(scans);
    const passages = busy.filter((e) => e.kind === 'message' && e.topic === 'gate.passage');
    const members = sessions.reduce((s, x) => s + x.truth.members, 0);
    expect(passages).toHaveLength(2 * members);
    const ats = busy.filter((e) => e.kind === 'message').map((e) => (e as { at: number }).at);
    expect(ats.every((a, i) => i === 0 || a >= (ats[i - 1] as number))).toBe(true);
  });

  it('records truthful events: item weights spread over 1-3 adjacent plates of the facing', () => {
    const takes = busy
      .filter((e) => e.kind === 'truth' && e.truth.truth === 'event' && e.truth.kind === 'take')
      .map((e) => (e as { truth: TruthEvent }).truth);
    expect(takes.length).toBeGreaterThan(20);
    for (const t of takes) {
      const p = store.product(t.sku);
      const total = -t.plates.reduce((s, x) => s + x.deltaGrams, 0);
      expect(total / t.count).toBeGreaterThan(
        (p?.weight.meanGrams ?? 0) - 5 * (p?.weight.sdGrams ?? 0) - 0.05,
      );
      expect(total / t.count).toBeLessThan((p?.weight.meanGrams ?? 0) + 5 * (p?.weight.sdGrams ?? 0) + 0.05);
      const shelves = new Set(t.plates.map((x) => store.plate(x.plateId)?.shelf.id));
      expect(shelves.size).toBe(1);
    }
    expect(takes.some((t) => t.plates.length >= 2)).toBe(true);
  });

  it('never routes shoppers through gondolas or obstacles', () => {
    const grid = new WalkGrid(store);
    const pts: Array<[number, number]> = [
      [1, 0.3],
      [3, 8],
      [6, 2.5],
      [11, 0.3],
      [8.5, 5],
      [1.2, 9.5],
    ];
    for (const a of pts) {
      for (const b of pts) {
        const path = grid.path(a, b);
        for (let i = 1; i < path.length; i++) {
          const [x0, y0] = path[i - 1] as [number, number];
          const [x1, y1] = path[i] as [number, number];
          for (let k = 0; k <= 50; k++)
            expect(grid.insideSolid(x0 + ((x1 - x0) * k) / 50, y0 + ((y1 - y0) * k) / 50)).toBe(false);
        }
      }
    }
  });

  it('gives byte-identical recordings for the same seed and different ones for another seed', async () => {
    const a = join(dir, 'a.ndjson');
    const b = join(dir, 'b.ndjson');
    const c = join(dir, 'c.ndjson');
    await write(a, collect('returns', 9, 60_000), 'returns', 9, 60_000);
    await write(b, collect('returns', 9, 60_000), 'returns', 9, 60_000);
    await write(c, collect('returns', 10, 60_000), 'returns', 10, 60_000);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
    // Three simulated minutes: 12-19 s alone on two cores, past 30 s beside a benchmark.
  }, 90_000);

  it('round-trips through a gzip recording, and names the line of a truncation', async () => {
    const entries = collect('single', 5, 60_000);
    const path = join(dir, 'r.ndjson.gz');
    await write(path, entries, 'single', 5, 60_000);
    const rec = await openRecording(path);
    expect(rec.header.sim?.preset).toBe('single');
    let n = 0;
    for await (const e of rec.entries()) {
      const want = entries[n++];
      if (e.kind === 'message' && want?.kind === 'message')
        expect([e.at, e.topic, e.msg]).toEqual([want.at, want.topic, want.msg]);
      else if (e.kind === 'truth' && want?.kind === 'truth') expect(e.truth).toEqual(want.truth);
      else throw new Error(`entry ${n} differs`);
    }
    expect(n).toBe(entries.length);
    const plain = join(dir, 'p.ndjson');
    await write(plain, entries.slice(0, 500), 'single', 5, 60_000);
    const lines = readFileSync(plain, 'utf8').split('\n');
    writeFileSync(plain, `${lines.slice(0, 300).join('\n')}\n${(lines[300] ?? '').slice(0, 25)}`);
    let seen = 0;
    const broken = await openRecording(plain);
    const err = await (async () => {
      try {
        for await (const _ of broken.entries()) seen++;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CorruptRecordingError);
    expect((err as CorruptRecordingError).line).toBe(301);
    expect(seen).toBe(299);
  });

  it('reads CRLF recordings like LF ones, and names the line and byte of damage past the first MiB', async () => {
    const entries = collect('busy', 3, 60_000);
    const lf = join(dir, 'lf.ndjson');
    await write(lf, entries, 'busy', 3, 60_000);
    const text = readFileSync(lf, 'utf8');
    // Lines split across the reader's 1 MiB chunks must come out whole.
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 << 20);
    const crlf = join(dir, 'crlf.ndjson');
    writeFileSync(crlf, text.replaceAll('\n', '\r\n'));
    const read = async (path: string) => {
      const out: unknown[] = [];
      for await (const e of (await openRecording(path)).entries()) out.push(e);
      return out;
    };
    const a = await read(lf);
    expect(a).toHaveLength(entries.length);
    // Compared as text: a deep equality of ~100 k entries takes seconds.
    expect(JSON.stringify(await read(crlf))).toBe(JSON.stringify(a));
    // Damage a line well past the first chunk: the error names its number and starting byte.
    const lines = text.split('\n');
    let k = 0;
    let offset = 0; // byte where line k starts
    for (; offset <= 2 << 20; k++) offset += Buffer.byteLength(lines[k] ?? '') + 1;
    lines[k] = `{"at": 1, "topic": "nope"${(lines[k] ?? '').slice(25)}`;
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, lines.join('\n'));
    const err = await read(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptRecordingError);
    expect((err as CorruptRecordingError).line).toBe(k + 1);
    expect((err as CorruptRecordingError).offset).toBe(offset);
  }, 90_000);

  it('simulates every preset', () => {
    for (const preset of ['crowded', 'lookalike', 'faults'] as const) {
      const e = collect(preset, 1, 60_000);
      expect(e.some((x) => x.kind === 'truth' && x.truth.truth === 'receipt')).toBe(true);
      if (preset === 'faults')
        expect(e.some((x) => x.kind === 'message' && x.topic === 'device.status')).toBe(true);
    }
  });

  it('uses supplied entry tokens without changing anything else', () => {
    const plain = collect('single', 3, 90_000);
    const withTokens = [
      ...simulate({ store, preset: 'single', seed: 3, durationMs: 90_000, tokenFor: (i) => `cloud-${i}` }),
    ];
    expect(withTokens).toHaveLength(plain.length);
    const tokens = new Map<string, string>();
    plain.forEach((e, i) => {
      if (e.kind === 'message' && e.topic === 'gate.scan') {
        const other = withTokens[i];
        expect(other?.kind === 'message' && other.topic === 'gate.scan').toBe(true);
        tokens.set((e.msg as { token: string }).token, `cloud-${tokens.size}`);
      }
    });
    expect(tokens.size).toBeGreaterThan(0);
    // Replace the random tokens by the supplied ones: the two runs must then be identical.
    let text = JSON.stringify(plain);
    for (const [from, to] of tokens) text = text.replaceAll(from, to);
    expect(text).toBe(JSON.stringify(withTokens));
  });
});

describe('property tests', () => {
  const kiosk = loadStoreConfig('kiosk') as unknown as Record<string, unknown>;
  const paths: string[][] = [];
  const walk = (v: unknown, p: string[]) => {
    paths.push(p);
    if (v && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...p, k]);
  };
  walk(kiosk, []);

  it('config validation either accepts or names fields; it never crashes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue(), (path, value) => {
        const doc = structuredClone(kiosk);
        let cur: Record<string, unknown> = doc;
        for (const k of path.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
        cur[path[path.length - 1] as string] = value;
        try {
          parseStoreConfig(doc);
        } catch (e) {
          expect(e).toBeInstanceOf(ConfigError);
          for (const issue of (e as ConfigError).issues) expect(issue).toMatch(/^\S.*: \S/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('recording parsing rejects arbitrary lines with CorruptRecordingError only', async () => {
    const head = JSON.stringify({
      format: 'walkout-recording',
      version: 1,
      generator: 't',
      store: loadStoreConfig('kiosk'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc.string(),
          ),
          { maxLength: 5 },
        ),
        async (lines) => {
          const path = join(dir, 'prop.ndjson');
          writeFileSync(path, `${[head, ...lines].join('\n')}\n`);
          const rec = await openRecording(path);
          try {
            for await (const _ of rec.entries());
          } catch (e) {
            expect(e).toBeInstanceOf(CorruptRecordingError);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
