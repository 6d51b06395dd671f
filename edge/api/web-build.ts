import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../core/log.ts';

const log = createLogger('edge.api.web');
export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), 'web');
export const WEB_DIST = join(WEB_ROOT, 'dist');
const LOCK = join(tmpdir(), 'walkout-web-build.lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** dist is missing or older than a source file (index.html, vite config, src/**). */
export function webBuildStale(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestSource(join(WEB_ROOT, 'src')),
    statSync(join(WEB_ROOT, 'index.html')).mtimeMs,
    statSync(join(WEB_ROOT, 'vite.config.ts')).mtimeMs,
  );
  return sources > built;
}

let building: Promise<void> | undefined;

/**
 * Builds the dashboard with Vite when dist/ is missing or stale (first start, or sources changed).
 * A lock directory serialises builds across processes (test workers start servers in parallel).
 */
export function ensureWebBuilt(force = false): Promise<void> {
  if (!force && !webBuildStale()) return Promise.resolve();
  building ??= (async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        mkdirSync(LOCK);
        break;
      } catch {
        // A build lock older than the deadline was left by a killed process.
        if (Date.now() > deadline) rmSync(LOCK, { recursive: true, force: true });
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    try {
      if (!force && !webBuildStale()) return; // another process built it while we waited
      const started = performance.now();
      const vite = await import('vite');
      await vite.build({ root: WEB_ROOT, configFile: join(WEB_ROOT, 'vite.config.ts'), logLevel: 'warn' });
      log.info({ ms: Math.round(performance.now() - started) }, 'dashboard built');
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  })().finally(() => {
    building = undefined;
  });
  return building;
}
