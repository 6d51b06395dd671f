import type { Command } from 'commander';
import { createLogger } from '../core/log.ts';
import { loadStore } from '../core/store/load-store.ts';
import { busPublishOption, busSubscribeOption } from '../edge/bus/cli-options.ts';
import { DEFAULT_ENDPOINTS, startBusProxy, ZmqBus } from '../edge/bus/index.ts';
import { registerCameraCommands } from './camera/cli.ts';
import { registerGateCommand } from './gates/gate-cli.ts';
import { registerDevicesCommand } from './host/devices-cli.ts';
import { CalibrationStore, createShelfController } from './shelf/index.ts';

const log = createLogger('hardware.cli');

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Device-side processes of a store's edge: the bus proxy and one driver process per shelf controller. */
export function registerHardwareCommands(program: Command): void {
  registerCameraCommands(program);
  program
    .command('bus-proxy')
    .description(
      'Run the zeromq XSUB/XPUB proxy that connects the edge processes (bind 0.0.0.0 to join edge boxes)',
    )
    .option('--publish <endpoint>', 'where publishers connect', DEFAULT_ENDPOINTS.publish)
    .option('--subscribe <endpoint>', 'where subscribers connect', DEFAULT_ENDPOINTS.subscribe)
    .action(async (o: { publish: string; subscribe: string }) => {
      const proxy = await startBusProxy({ publish: o.publish, subscribe: o.subscribe });
      process.stdout.write(`bus proxy: publish ${o.publish}, subscribe ${o.subscribe}\n`);
      await untilSignal();
      await proxy.close();
    });

  program
    .command('shelf')
    .description(
      'Run the driver of one shelf controller on a serial port, publishing shelf.samples to the bus',
    )
    .requiredOption('--store <store>', 'built-in store name or store file (maps channels to plates)')
    .requiredOption('--controller <id>', 'controller id as in the store file')
    .requiredOption('--port <path>', 'serial device, e.g. /dev/ttyUSB0')
    .option('--calibration <path>', 'SQLite file with per-channel calibration', 'data/shelf-calibration.db')
    .addOption(busPublishOption())
    .addOption(busSubscribeOption())
    .action(
      async (o: {
        store: string;
        controller: string;
        port: string;
        calibration: string;
        busPublish: string;
        busSubscribe: string;
      }) => {
        const store = loadStore(o.store);
        const bus = await ZmqBus.connect({ publish: o.busPublish, subscribe: o.busSubscribe });
        const calibration = new CalibrationStore(o.calibration);
        const driver = createShelfController(
          { type: 'serial', controllerId: o.controller, path: o.port },
          { store, calibration, sink: bus },
        );
        await driver.start();
        log.info({ controller: o.controller, port: o.port }, 'shelf driver running');
        const report = setInterval(
          () => log.info({ controller: o.controller, ...driver.metrics }, 'shelf controller metrics'),
          60_000,
        );
        await untilSignal();
        clearInterval(report);
        await driver.close();
        await bus.close();
      },
    );

  registerGateCommand(program);
  registerDevicesCommand(program);
}
