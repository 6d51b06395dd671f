import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = path.resolve('test/fixtures/fetch-footage.sh');

describe('fetch-footage.sh', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'walkout-footage-test-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is idempotent: with both files cached it touches no network tool and leaves them alone', async () => {
    const dir = path.join(root, 'footage');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'vtest.avi'), 'cached-avi');
    await writeFile(path.join(dir, 'messi5.jpg'), 'cached-jpg');
    // PATH without apt-get/dpkg-deb: any download attempt would fail the script.
    const { stdout } = await run('/bin/sh', [SCRIPT], { env: { WALKOUT_CACHE: root, PATH: '/nonexistent' } });
    expect(stdout.trim()).toBe(dir);
    expect(await readFile(path.join(dir, 'vtest.avi'), 'utf8')).toBe('cached-avi');
  });

  it('exits non-zero when footage is missing and cannot be fetched', async () => {
    const other = path.join(root, 'empty');
    await expect(
      run('/bin/sh', [SCRIPT], { env: { WALKOUT_CACHE: other, PATH: '/nonexistent' } }),
    ).rejects.toMatchObject({ code: expect.any(Number) });
  });
});
