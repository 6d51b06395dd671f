import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { ValidationError } from '../core/errors.ts';
import { loadStore } from '../core/store/load-store.ts';
import { busPublishOption, busSubscribeOption } from './bus/cli-options.ts';
import { ZmqBus } from './bus/index.ts';
import type { EngineConfigInput } from './engine/index.ts';
import { startLiveEngine } from './engine/run-live.ts';
import { replayFile } from './replay/index.ts';
import { createTracker } from './tracking/create-tracker.ts';

function readConfig(path: string | undefined): EngineConfigInput | undefined {
  if (!path) return undefined;
  try {
    return parseYaml(readFileSync(path, 'utf8')) as EngineConfigInput;
  } catch (err) {
    throw new ValidationError(path, [`(file): cannot read engine config: ${(err as Error).message}`]);
  }
}

function parseSpeed(v: string): 'max' | number {
  if (v === 'max') return 'max';
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new ValidationError('--speed', [`(option): must be "max" or a positive number, got "${v}"`]);
  return n;
}

/** `walkout replay` and `walkout edge`: the same fusion engine over a recording or the live bus. */
export function registerEdgeCommands(program: Command): void {
  program
    .command('replay')
    .description('Run the edge fusion engine over a recording and write receipts and shelf events')
    .argument('<recording>', 'recording file (.ndjson or .ndjson.gz)')
    .option('--out <file>', 'receipts, one JSON object per line', 'receipts.ndjson')
    .option('--events <file>', 'detected shelf events, one JSON object per line')
    .option('--speed <speed>', 'max, or a real-time factor such as 1 or 10', 'max')
    .option('--db <path>', 'event store (SQLite); an interrupted replay resumes from it')
    .option('--config <file>', 'engine config (YAML/JSON), see docs/fusion.md')
    .action(
      async (
        recording: string,
        opts: { out: string; events?: string; speed: string; db?: string; config?: string },
      ) => {
        const config = readConfig(opts.config);
        const r = await replayFile({
          recording,
          out: opts.out,
          ...(opts.events ? { events: opts.events } : {}),
          speed: parseSpeed(opts.speed),
          ...(opts.db ? { db: opts.db } : {}),
          ...(config ? { config } : {}),
          createTracker: (store, listener) => createTracker(store, listener),
        });
        const review = r.receipts.filter((x) => x.status === 'review').length;
        process.stdout.write(
          `${JSON.stringify({
            receipts: r.receipts.length,
            review,
            events: r.events.length,
            messages: r.messages,
            resumedFrom: r.resumedFrom,
            xRealtime: r.wallMs > 0 ? Math.round(r.spanMs / r.wallMs) : null,
          })}\n`,
        );
      },
    );

  program
    .command('edge')
    .description('Run the edge fusion engine on live inputs from the bus')
    .requiredOption('--store <store>', 'built-in store name or store file')
    .option('--db <path>', 'event store (SQLite); a restart resumes open sessions', 'walkout-edge.db')
    .option('--config <file>', 'engine config (YAML/JSON), see docs/fusion.md')
    .addOption(busPublishOption())
    .addOption(busSubscribeOption())
    .action(
      async (opts: {
        store: string;
        db: string;
        config?: string;
        busPublish: string;
        busSubscribe: string;
      }) => {
        const store = loadStore(opts.store);
        const config = readConfig(opts.config);
        const bus = await ZmqBus.connect({ publish: opts.busPublish, subscribe: opts.busSubscribe });
        const live = startLiveEngine({
          store,
          bus,
          db: opts.db,
          ...(config ? { config } : {}),
          createTracker: (s, listener) => createTracker(s, listener),
        });
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await live.stop();
        await bus.close();
      },
    );
}
