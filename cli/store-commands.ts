import type { Command } from 'commander';
import { stringify as toYaml } from 'yaml';
import { builtinStoreDescriptions, builtinStores } from '../core/store/builtin/index.ts';
import { loadStoreConfig } from '../core/store/load-store.ts';
import { StoreModel } from '../core/store/store-model.ts';

export function registerStoreCommands(program: Command): void {
  program
    .command('stores')
    .description('List built-in stores')
    .option('--export <name>', 'print a built-in store as a YAML store file')
    .action((opts: { export?: string }) => {
      if (opts.export) {
        process.stdout.write(toYaml(loadStoreConfig(opts.export)));
        return;
      }
      for (const name of Object.keys(builtinStores)) {
        process.stdout.write(`${name.padEnd(8)} ${builtinStoreDescriptions[name] ?? ''}\n`);
      }
    });

  program
    .command('validate')
    .description('Check a store file (or built-in name); lists every invalid field and exits 2 when invalid')
    .argument('<store>', 'built-in store name or path to a YAML/JSON store file')
    .action((store: string) => {
      const model = new StoreModel(loadStoreConfig(store));
      const c = model.config;
      process.stdout.write(
        `ok: store "${c.id}" (${c.name}): ${c.gondolas.length} gondolas, ${model.plates.size} plates, ` +
          `${c.products.length} products, ${c.planogram.length} facings, ${c.cameras.length} cameras, ${c.gates.length} gates\n`,
      );
    });
}
