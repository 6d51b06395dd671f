import type { Command } from 'commander';
import { loadStore } from '../core/store/load-store.ts';
import { startCloudServer } from './index.ts';

interface CloudCliOptions {
  port: string;
  host: string;
  db: string;
  store: string[];
  payments: 'ledger' | 'stripe';
  stripeHost?: string;
  stripePort?: string;
  stripeProtocol?: 'http' | 'https';
  hold: string;
}

export function registerCloudCommands(program: Command): void {
  program
    .command('cloud')
    .description(
      'Run the cloud settlement service (store secrets from WALKOUT_STORE_SECRET, Stripe key from STRIPE_SECRET_KEY)',
    )
    .option('--port <n>', 'HTTP port', '8081')
    .option('--host <addr>', 'listen address', '127.0.0.1')
    .option('--db <path>', 'SQLite file', 'data/cloud.db')
    .option('--store <name|path...>', 'stores served (built-in name or file)', ['demo'])
    .option('--payments <mode>', 'ledger (moves no money) or stripe', 'ledger')
    .option('--stripe-host <host>', 'Stripe API host (a Stripe-compatible test server)')
    .option('--stripe-port <port>', 'Stripe API port')
    .option('--stripe-protocol <protocol>', 'http or https')
    .option('--hold <minor>', 'hold placed at entry, minor units', '5000')
    .action(async (o: CloudCliOptions) => {
      const secret = process.env.WALKOUT_STORE_SECRET ?? 'walkout-dev-store-secret';
      const cloud = await startCloudServer(
        {
          port: Number(o.port),
          host: o.host,
          dbPath: o.db,
          payments: o.payments,
          holdMinor: Number(o.hold),
          stripe: {
            ...(o.stripeHost ? { host: o.stripeHost } : {}),
            ...(o.stripePort ? { port: Number(o.stripePort) } : {}),
            ...(o.stripeProtocol ? { protocol: o.stripeProtocol } : {}),
          },
        },
        o.store.map((s) => ({ model: loadStore(s), secret })),
      );
      process.stdout.write(`cloud listening on ${cloud.url} (payments: ${cloud.service.payments.kind})\n`);
      const stop = () => void cloud.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
