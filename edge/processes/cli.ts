import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { createOperators, DEMO_OPERATORS, startOperatorApi } from '../api/index.ts';
import { busPublishOption, busSubscribeOption } from '../bus/cli-options.ts';
import { ZmqBus } from '../bus/index.ts';
import { loadSupervisorConfig } from './config.ts';
import { startSupervisor } from './supervisor.ts';

const log = createLogger('edge.processes.cli');

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** `walkout supervise` (the edge box's process tree) and `walkout operator-api` (the dashboard on the bus). */
export function registerProcessCommands(program: Command): void {
  program
    .command('supervise')
    .description(
      'Run the processes of one edge box from a config file, restarting crashed ones (see docs/processes.md)',
    )
    .argument('<config>', 'supervisor config (YAML or JSON)')
    .action(async (path: string) => {
      const cfg = loadSupervisorConfig(path);
      // Listen before starting: a SIGTERM during start-up must still stop the children it spawned.
      const stopSignal = untilSignal();
      const sup = await startSupervisor(cfg);
      const signal = await stopSignal;
      log.info({ signal }, 'stopping processes');
      await sup.stop();
    });

  program
    .command('operator-api')
    .description('Run the operator dashboard (REST + WebSocket + web app) as its own process on the bus')
    .requiredOption('--store <store>', 'built-in store name or store file')
    .option('--db <path>', 'operators, login sessions, audit log (SQLite)', 'walkout-operators.db')
    .option('--port <n>', 'HTTP port', '8080')
    .option('--host <addr>', 'HTTP address', '127.0.0.1')
    .option('--demo-operators', 'create the demo logins (reviewer / walkout-demo, viewer / walkout-view)')
    .addOption(busPublishOption())
    .addOption(busSubscribeOption())
    .action(
      async (o: {
        store: string;
        db: string;
        port: string;
        host: string;
        demoOperators?: boolean;
        busPublish: string;
        busSubscribe: string;
      }) => {
        const port = Number(o.port);
        if (!Number.isInteger(port) || port < 0 || port > 65_535)
          throw new ValidationError('--port', [`--port: must be an integer 0-65535, got "${o.port}"`]);
        const store = loadStore(o.store);
        if (o.demoOperators) createOperators(o.db, DEMO_OPERATORS);
        const bus = await ZmqBus.connect({ publish: o.busPublish, subscribe: o.busSubscribe });
        const api = await startOperatorApi({ bus, store, dbPath: o.db, port, host: o.host });
        process.stdout.write(`operator dashboard: ${api.url}\n`);
        await untilSignal();
        await api.close();
        await bus.close();
      },
    );
}
