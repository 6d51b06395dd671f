import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { busPublishOption, busSubscribeOption } from '../../edge/bus/cli-options.ts';
import { ZmqBus } from '../../edge/bus/index.ts';
import { createDoorController, createScanner, type DoorController, type EntryScanner } from './index.ts';

const log = createLogger('hardware.gate.cli');

/** `walkout gate`: the entry scanner and/or door controller of one gate as its own bus process. */
export function registerGateCommand(program: Command): void {
  program
    .command('gate')
    .description('Run the drivers of one gate (QR scanner, door controller) on serial ports, on the bus')
    .requiredOption('--store <store>', 'built-in store name or store file (gate ids)')
    .requiredOption('--gate <id>', 'gate id as in the store file')
    .option('--scanner <port>', 'serial device of the entry QR scanner')
    .option('--door <port>', 'serial device of the door/turnstile controller')
    .addOption(busPublishOption())
    .addOption(busSubscribeOption())
    .action(
      async (o: {
        store: string;
        gate: string;
        scanner?: string;
        door?: string;
        busPublish: string;
        busSubscribe: string;
      }) => {
        const store = loadStore(o.store);
        const gate = store.config.gates.find((g) => g.id === o.gate);
        if (!gate)
          throw new ValidationError('--gate', [
            `--gate: "${o.gate}" is not a gate of ${store.id} (${store.config.gates.map((g) => g.id).join(', ')})`,
          ]);
        if (!o.scanner && !o.door)
          throw new ValidationError('walkout gate', ['--scanner or --door: required']);
        const bus = await ZmqBus.connect({ publish: o.busPublish, subscribe: o.busSubscribe });
        const drivers: Array<EntryScanner | DoorController> = [];
        if (o.scanner)
          drivers.push(createScanner({ type: 'serial', gateId: gate.id, path: o.scanner }, { sink: bus }));
        if (o.door)
          drivers.push(
            createDoorController(
              { type: 'serial', gateId: gate.id, path: o.door },
              { sink: bus, commands: bus },
            ),
          );
        // Ports that are missing now are retried in the background: the process is up either way.
        for (const d of drivers) d.start().catch((err: unknown) => log.error({ err }, 'driver start failed'));
        log.info({ gate: gate.id, scanner: o.scanner, door: o.door }, 'gate drivers running');
        const report = setInterval(() => {
          for (const d of drivers) log.info({ gate: gate.id, ...d.metrics }, 'gate device metrics');
        }, 60_000);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        clearInterval(report);
        for (const d of drivers) await d.close();
        await bus.close();
      },
    );
}
