import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { startCloudServer } from '../cloud/index.ts';
import { shopperWeb } from '../cloud/shopper-web/index.ts';
import { ValidationError } from '../core/errors.ts';
import type { Receipt } from '../core/receipt.ts';
import { loadStore } from '../core/store/load-store.ts';
import { createOperators, DEMO_OPERATORS, startCameraFeeds, startOperatorApi } from '../edge/api/index.ts';
import { type Bus, InProcessBus, startBusProxy, ZmqBus } from '../edge/bus/index.ts';
import { startLiveEngine } from '../edge/engine/run-live.ts';
import { forwardToCloud, Outbox } from '../edge/outbox/index.ts';
import { createTracker } from '../edge/tracking/create-tracker.ts';
import { fetchModels } from '../models/fetch.ts';
import { parseDuration } from '../simulator/cli.ts';
import { runLive } from '../simulator/devices/live.ts';
import { PRESETS, type PresetName, simulate } from '../simulator/index.ts';

interface DemoOptions {
  store: string;
  preset: string;
  seed: string;
  speed: string;
  duration: string;
  data: string;
  cloudPort: string;
  port: string;
  keep?: boolean;
  devices: string;
}

const euro = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

/**
 * The demo store, all in one process: the simulator drives the sensors in real time (or faster), the
 * edge engine fuses them into carts, finalised carts go through the durable outbox to the cloud,
 * which settles them on the local payment ledger (no money moves) and answers with a receipt link.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the demo store live: simulator → edge → cloud (local ledger); prints sessions and receipts',
    )
    .option('--store <name|path>', 'store', 'demo')
    .option('--preset <name>', `traffic preset (${PRESETS.join(', ')})`, 'busy')
    .option('--seed <n>', 'random seed', '1')
    .option('--speed <x>', 'simulated seconds per wall second', '1')
    .option('--duration <d>', 'how long shoppers keep arriving', '30m')
    .option('--data <dir>', 'where the demo keeps its SQLite files', 'data/demo')
    .option('--cloud-port <n>', 'cloud HTTP port (0 = any)', '8081')
    .option('--port <n>', 'operator dashboard port (0 = any)', '8080')
    .option('--keep', 'resume the previous demo state instead of starting fresh')
    .option(
      '--devices <mode>',
      'in-process (simulator straight onto an in-process bus) or pty (shelves and gates through emulated devices on socat ptys read by `walkout devices`, over a zeromq bus)',
      'in-process',
    )
    .action(async (o: DemoOptions) => {
      if (!(PRESETS as readonly string[]).includes(o.preset))
        throw new ValidationError('--preset', [
          `--preset: "${o.preset}" is not one of ${PRESETS.join(', ')}`,
        ]);
      const speed = Number(o.speed);
      if (!(speed > 0)) throw new ValidationError('--speed', ['--speed: must be > 0']);
      if (o.devices !== 'in-process' && o.devices !== 'pty')
        throw new ValidationError('--devices', [`--devices: "${o.devices}" is not in-process or pty`]);
      const durationMs = parseDuration(o.duration);
      const store = loadStore(o.store);
      if (!o.keep) rmSync(o.data, { recursive: true, force: true });
      mkdirSync(o.data, { recursive: true });
      const secret = process.env.WALKOUT_STORE_SECRET ?? 'walkout-demo-store-secret';
      const out = (line: string) => process.stdout.write(`${line}\n`);
      const cloud = await startCloudServer(
        { port: Number(o.cloudPort), dbPath: join(o.data, 'cloud.db'), payments: 'ledger' },
        [{ model: store, secret }],
        {
          plugins: [
            shopperWeb({
              storeId: store.id,
              service: () => cloud.service,
              // The demo has no mail server: sign-in links are printed here instead of emailed.
              sendLoginLink: (to, path) => void out(`  ✉  sign-in link for ${to.email}: ${cloud.url}${path}`),
            }),
          ],
        },
      );
      out(`Walkout demo — store "${store.config.name}", preset ${o.preset}, ${speed}× real time`);
      out(
        `cloud:    ${cloud.url}  (payments: LOCAL LEDGER, no money moves; API docs ${cloud.url}/openapi.json)`,
      );

      // Demo shoppers with saved payment methods; each arrival gets a fresh signed entry token.
      const accounts = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          cloud.service
            .createAccount(`shopper${i + 1}@demo.walkout`, `Demo Shopper ${i + 1}`, 'pm_demo_visa')
            .catch(() => undefined),
        ),
      );
      const ready = accounts.filter((a): a is NonNullable<typeof a> => a !== undefined);
      const owner = new Map<string, string>();
      const tokenFor = (i: number) => {
        const acc = ready[i % ready.length];
        if (!acc) return `tok_demo_${i}`;
        const { token } = cloud.service.issueEntryToken(acc.id, store.id);
        owner.set(token, acc.name);
        return token;
      };

      // First start: cache the pose models for camera workers (the simulated cameras do not need them).
      fetchModels(['movenet-multipose'])
        .then((got) => got.length > 0 && out(`models:   fetched ${got.join(', ')} into the cache`))
        .catch((err: unknown) =>
          out(`models:   not fetched (${(err as Error).message}); run \`walkout models fetch\` later`),
        );
      // pty: the edge runs exactly as in a store, fed by device drivers over a zeromq bus (proxy here).
      const endpoints = {
        publish: `ipc://${resolve(o.data, 'bus-pub')}`,
        subscribe: `ipc://${resolve(o.data, 'bus-sub')}`,
      };
      const proxy = o.devices === 'pty' ? await startBusProxy(endpoints) : undefined;
      const bus: Bus = proxy ? await ZmqBus.connect(endpoints) : new InProcessBus();
      const live = startLiveEngine({ store, bus, createTracker, db: join(o.data, 'edge.db') });
      const names = new Map<string, string>();
      const outbox = new Outbox({
        dbPath: join(o.data, 'outbox.db'),
        cloudUrl: cloud.url,
        storeId: store.id,
        secret,
        onDelivered: (item) => {
          if (item.kind !== 'cart' && item.kind !== 'release') return;
          const b = item.body as {
            state?: string;
            totalMinor?: number;
            receiptUrl?: string | null;
            reason?: string | null;
          } | null;
          const who = names.get(item.key.slice(item.key.indexOf(':') + 1)) ?? '';
          if (b?.state === 'settled')
            out(
              `  💳 settled  ${who}: ${euro(b.totalMinor ?? 0, store.config.currency)} in ${Date.now() - item.queuedAt} ms — ${cloud.url}/shop${b.receiptUrl ?? ''}`,
            );
          else out(`  ⚠  ${who}: cloud says ${b?.state ?? item.status}${b?.reason ? ` (${b.reason})` : ''}`);
        },
      });
      outbox.start();
      const opDb = join(o.data, 'operators.db');
      createOperators(opDb, DEMO_OPERATORS);
      // Cameras with an rtspUrl in the store file get dashboard previews and evidence stills.
      const feeds = await startCameraFeeds(store);
      const dash = await startOperatorApi({
        cameraPreviews: feeds.previewUrls,
        snapshots: feeds.snapshots,
        bus,
        store,
        dbPath: opDb,
        port: Number(o.port),
        // A reviewer released a cart: it settles through the cloud exactly once.
        onRelease: (r) => outbox.enqueueRelease(r),
      });
      // Unified online/offline stock: units per product from shelf weights, to the cloud every 30 s.
      const inventoryTimer = setInterval(() => {
        const at = Math.round(live.engine.clock);
        if (at <= 0) return;
        const bySku = new Map<string, number>();
        for (const i of dash.state.inventory()) bySku.set(i.sku, (bySku.get(i.sku) ?? 0) + i.units);
        outbox.enqueueInventory(
          at,
          [...bySku].map(([sku, units]) => ({ sku, units })),
        );
      }, 30_000);
      out(`dashboard: ${dash.url}  (login reviewer / walkout-demo, or viewer / walkout-view)`);
      out(`shop:     ${cloud.url}/shop  (shopper sign-up, entry QR code, receipts)`);
      bus.subscribe('edge.session', (s) => {
        const who = owner.get(s.token) ?? s.sessionId;
        names.set(s.sessionId, who);
        if (s.state === 'open') {
          out(`→ ${who} entered (session ${s.sessionId})`);
        } else if (s.state === 'exiting') out(`← ${who} left; finalising cart`);
      });
      bus.subscribe('edge.receipt', (r: Receipt) => {
        const who = names.get(r.sessionId) ?? r.sessionId;
        const lines =
          r.lines.map((l) => `${l.quantity}× ${store.product(l.sku)?.name ?? l.sku}`).join(', ') ||
          '(nothing)';
        out(
          `  🧾 ${who}: ${lines} — confidence ${(r.confidence * 100).toFixed(1)} %${r.status === 'review' ? ` → REVIEW (${r.reviewReasons[0] ?? ''})` : ''}`,
        );
      });
      bus.subscribe('edge.alert', (a) => out(`  ! ${a.severity}: ${a.message}`));
      // Entries and finalised carts (review ones are parked in the cloud until released) go to the cloud.
      forwardToCloud(bus, outbox);

      let stopping = false;
      const stop = async () => {
        if (stopping) return;
        stopping = true;
        clearInterval(inventoryTimer);
        await live.stop();
        await dash.close();
        await feeds.close();
        await outbox.stop();
        outbox.close();
        await cloud.close();
        await bus.close();
        await proxy?.close();
        process.exit(0);
      };
      let lagMs = 0;
      if (proxy) {
        // The device rig ends on Ctrl-C itself (and removes its ptys); the demo stops after it.
        out('devices:  shelves and gates through emulated devices on socat ptys (walkout devices)');
        lagMs = (
          await runLive({
            store,
            storeArg: o.store,
            preset: o.preset as PresetName,
            seed: Number(o.seed),
            durationMs,
            speed,
            bus: endpoints,
            devices: 'pty',
            tokenFor,
          })
        ).maxLagMs;
      }
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
      if (proxy) {
        out(
          `simulation finished, at worst ${lagMs} ms behind the clock; waiting for the last receipts (Ctrl-C to stop)`,
        );
        await new Promise((r) => setTimeout(r, 4000 / Math.min(speed, 4)));
        await stop();
        return;
      }

      // Pace the simulator on the wall clock: message `at` times map to wall time / speed.
      const wall0 = performance.now();
      let at0: number | undefined;
      for (const e of simulate({
        store,
        preset: o.preset as PresetName,
        seed: Number(o.seed),
        durationMs,
        tokenFor,
      })) {
        if (stopping) break;
        if (e.kind !== 'message') continue;
        at0 ??= e.at;
        const due = wall0 + (e.at - at0) / speed;
        const wait = due - performance.now();
        if (wait > 5) await new Promise((r) => setTimeout(r, wait));
        bus.publish(e.topic, e.msg);
      }
      out('simulation finished; waiting for the last receipts (Ctrl-C to stop)');
      // Finalisation waits a few store-seconds after the last exit.
      await new Promise((r) => setTimeout(r, 4000 / Math.min(speed, 4)));
      await stop();
    });
}
