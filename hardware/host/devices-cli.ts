import type { Command } from 'commander';
import { createLogger } from '../../core/log.ts';
import { loadStore } from '../../core/store/load-store.ts';
import { busPublishOption, busSubscribeOption } from '../../edge/bus/cli-options.ts';
import { ZmqBus } from '../../edge/bus/index.ts';
import { CalibrationStore } from '../shelf/index.ts';
import { readDevicesConfig, startDevicesHost } from './devices-host.ts';

const log = createLogger('hardware.devices.cli');

/** `walkout devices`: every shelf controller and gate device of one box in one process on the bus. */
export function registerDevicesCommand(program: Command): void {
  program
    .command('devices')
    .description(
      'Run all device drivers of one edge box (shelf controllers, scanners, doors) from a config file',
    )
    .requiredOption('--store <store>', 'built-in store name or store file')
    .requiredOption('--config <file>', 'devices config (JSON), see docs/hardware.md')
    .option('--calibration <path>', 'SQLite file with per-channel calibration', 'data/shelf-calibration.db')
    .addOption(busPublishOption())
    .addOption(busSubscribeOption())
    .action(
      async (o: {
        store: string;
        config: string;
        calibration: string;
        busPublish: string;
        busSubscribe: string;
      }) => {
        const store = loadStore(o.store);
        const config = readDevicesConfig(o.config);
        const bus = await ZmqBus.connect({ publish: o.busPublish, subscribe: o.busSubscribe });
        const calibration = new CalibrationStore(o.calibration);
        const host = startDevicesHost({ store, config, calibration, bus });
        // A line on stdout for whoever started us (the simulator waits for it); the bus may still be
        // joining, so a device.status published this early can be missed by subscribers.
        host
          .waitConnected()
          .then(() => process.stdout.write(`ready: ${Object.keys(host.metrics()).length} devices\n`))
          .catch((err: unknown) => log.error({ err }, 'waiting for the ports failed'));
        const report = setInterval(() => log.info(host.metrics(), 'device metrics'), 60_000);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        });
        clearInterval(report);
        log.info(host.metrics(), 'device metrics at exit');
        await host.close();
        calibration.close();
        await bus.close();
      },
    );
}
