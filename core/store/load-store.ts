import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors.ts';
import { parseOrThrow } from '../validate.ts';
import { builtinStores } from './builtin/index.ts';
import { StoreConfig } from './store-config.ts';
import { StoreModel } from './store-model.ts';

/** Validates an already-parsed store document, throwing a ConfigError listing every bad field. */
export function parseStoreConfig(doc: unknown, subject = 'store'): StoreConfig {
  return parseOrThrow(StoreConfig, doc, subject, ConfigError);
}

/** Reads a store file (YAML or JSON by extension; YAML is a superset of JSON so anything else parses as YAML). */
export function readStoreFile(path: string): StoreConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [`(file): cannot read: ${(err as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(path, [
      `(file): not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`,
    ]);
  }
  return parseStoreConfig(doc, path);
}

/** `--store` takes a built-in store name or a path to a store file. */
export function loadStoreConfig(nameOrPath: string): StoreConfig {
  const builtin = builtinStores[nameOrPath];
  if (builtin) return parseStoreConfig(builtin(), `built-in store "${nameOrPath}"`);
  if (!/[./]/.test(nameOrPath))
    throw new ConfigError(nameOrPath, [
      `(store): no built-in store "${nameOrPath}" (built-ins: ${Object.keys(builtinStores).join(', ')}) and not a file path`,
    ]);
  return readStoreFile(nameOrPath);
}

export function loadStore(nameOrPath: string): StoreModel {
  return new StoreModel(loadStoreConfig(nameOrPath));
}
