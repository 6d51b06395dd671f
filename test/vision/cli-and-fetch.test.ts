import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelsDir } from '../../models/cache.ts';
import { fetchModels, isCached } from '../../models/fetch.ts';
import { findModel } from '../../models/manifest.ts';
import { ensureFootage } from '../fixtures/fetch-footage.ts';

const run = promisify(execFile);
const BIN = path.resolve('bin/walkout.mjs');
let footage: { vtest: string; messi: string };
let tmp: string;

beforeAll(async () => {
  footage = await ensureFootage();
  await fetchModels();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'walkout-models-'));
}, 120_000);
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('walkout detect', () => {
  it('--json prints one schema-shaped object per frame (node backend falls back to wasm)', async () => {
    const { stdout } = await run(
      'node',
      [BIN, 'detect', footage.vtest, '--backend', 'node', '--input-size', '512', '--frames', '2', '--json'],
      {
        env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
      },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { frame: number; persons: { box: number[]; keypoints: number[][] }[] });
    expect(lines.map((l) => l.frame)).toEqual([0, 1]);
    for (const l of lines) {
      expect(Math.abs(l.persons.length - 3)).toBeLessThanOrEqual(1);
      for (const p of l.persons) {
        expect(p.box).toHaveLength(4);
        expect(p.keypoints).toHaveLength(17);
      }
    }
  }, 60_000);

  it('plain output gives the person count of an image', async () => {
    const { stdout } = await run('node', [BIN, 'detect', footage.messi, '--input-size', '512'], {
      env: { ...process.env, WALKOUT_LOG_LEVEL: 'silent' },
    });
    expect(stdout).toMatch(/^frame 0: [1-6] person\(s\)/);
  }, 60_000);

  it('refuses to run when the model is not cached (nothing downloads at inference time)', async () => {
    await expect(
      run('node', [BIN, 'detect', footage.messi], {
        env: { ...process.env, WALKOUT_CACHE: tmp, WALKOUT_LOG_LEVEL: 'silent' },
      }),
    ).rejects.toMatchObject({ stderr: expect.stringMatching(/walkout models fetch/) });
  }, 60_000);
});

describe('walkout models fetch', () => {
  it('detects a corrupted cached file and fetches a verified copy', async () => {
    const entry = findModel('centernet');
    if (!entry) throw new Error('centernet missing from manifest');
    const dir = path.join(tmp, 'models');
    await mkdir(dir, { recursive: true });
    for (const f of entry.source.files)
      await copyFile(path.join(modelsDir(), path.basename(f.path)), path.join(dir, path.basename(f.path)));
    expect(await isCached(entry, dir)).toBe(true);
    await writeFile(path.join(dir, 'centernet.bin'), 'corrupt');
    expect(await isCached(entry, dir)).toBe(false);
    expect(await fetchModels(['centernet'], dir)).toEqual(['centernet']);
    expect(await isCached(entry, dir)).toBe(true);
    await expect(fetchModels(['no-such-model'], dir)).rejects.toThrow(/unknown model/);
  }, 90_000);
});
