import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { demoStore } from './demo.ts';

/** Built-in stores by name; each returns an unvalidated document so it goes through the same schema as files. */
export const builtinStores: Record<string, () => unknown> = {
  demo: demoStore,
  kiosk: () => parseYaml(readFileSync(new URL('./kiosk.yaml', import.meta.url), 'utf8')),
};

export const builtinStoreDescriptions: Record<string, string> = {
  demo: '4 gondolas × 5 shelves × 10 plates, 64 products, 8 ceiling cameras',
  kiosk: '1 gondola × 3 shelves × 4 plates, 7 products, 2 cameras (core/store/builtin/kiosk.yaml)',
};
