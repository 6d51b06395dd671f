import path from 'node:path';

/** Cache root: WALKOUT_CACHE or .cache under the current directory; models live in <cache>/models. */
export function cacheRoot(): string {
  return path.resolve(process.env.WALKOUT_CACHE ?? '.cache');
}

export function modelsDir(root = cacheRoot()): string {
  return path.join(root, 'models');
}
