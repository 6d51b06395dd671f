import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import { Receipt, type TruthReceipt } from '../core/receipt.ts';
import { openRecording, RecordingWriter } from '../core/recording/index.ts';
import { loadStore } from '../core/store/load-store.ts';
import type { StoreModel } from '../core/store/store-model.ts';
import { formatIssues } from '../core/validate.ts';
import { DEFAULT_ENDPOINTS } from '../edge/bus/index.ts';
import { runLive } from './devices/live.ts';
import { DEFAULT_START_MS, PRESETS, type PresetName, simulate } from './index.ts';
import { scoreReceipts } from './scoring/score.ts';

/** "90s", "10m", "1h", "1500ms" or plain seconds → milliseconds. */
export function parseDuration(text: string, option = '--duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m)
    throw new ValidationError(option, [`${option}: "${text}" is not a duration such as 90s, 10m or 1h`]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const ms = Number(m[1]) * unit;
  if (ms <= 0) throw new ValidationError(option, [`${option}: must be > 0`]);
  return ms;
}

async function readReceipts(path: string): Promise<Receipt[]> {
  const out: Receipt[] = [];
  let n = 0;
  for await (const line of createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    n++;
    if (line.trim() === '') continue;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch {
      throw new ValidationError(path, [`line ${n}: not JSON`]);
    }
    const r = Receipt.safeParse(doc);
    if (!r.success)
      throw new ValidationError(
        path,
        formatIssues(r.error).map((i) => `line ${n}: ${i}`),
      );
    out.push(r.data);
  }
  return out;
}

export function registerSimulatorCommands(program: Command): void {
  program
    .command('sim')
    .description('Simulate store traffic into a recording (same arguments → byte-identical file)')
    .option('--store <name|path>', 'built-in store or store file', 'demo')
    .option('--preset <name>', `one of ${PRESETS.join(', ')}`, 'busy')
    .option('--duration <d>', 'arrival window, e.g. 90s, 10m, 1h', '10m')
    .option('--seed <n>', 'random seed', '1')
    .option('--out <file>', 'recording to write (.ndjson or .ndjson.gz)')
    .option(
      '--live',
      'publish the sensor messages on the zeromq bus in real time instead (for `walkout edge`)',
    )
    .option('--speed <x>', 'with --live: simulated seconds per wall second', '1')
    .option(
      '--devices <mode>',
      'with --live: bus (messages straight onto the bus) or pty (shelves and gates through emulated devices on socat ptys, read by `walkout devices`)',
      'bus',
    )
    .option(
      '--device-faults <d>',
      'with --devices pty: inject line noise and CRC errors on every device link this often, e.g. 1s',
    )
    .option('--start-delay <d>', 'with --devices pty: time allowed for the drivers to open their ports', '8s')
    .option(
      '--bus-publish <endpoint>',
      "with --live: the bus proxy's publisher side",
      DEFAULT_ENDPOINTS.publish,
    )
    .option(
      '--bus-subscribe <endpoint>',
      "with --live: the bus proxy's subscriber side (default: the publisher's port + 1)",
    )
    .action(
      async (o: {
        store: string;
        preset: string;
        duration: string;
        seed: string;
        out?: string;
        live?: boolean;
        speed: string;
        devices: string;
        startDelay: string;
        deviceFaults?: string;
        busPublish: string;
        busSubscribe?: string;
      }) => {
        if (!o.out && !o.live) throw new ValidationError('walkout sim', ['--out: required (or --live)']);
        if (!(PRESETS as readonly string[]).includes(o.preset))
          throw new ValidationError('--preset', [
            `--preset: "${o.preset}" is not one of ${PRESETS.join(', ')}`,
          ]);
        const seed = Number(o.seed);
        if (!Number.isInteger(seed)) throw new ValidationError('--seed', ['--seed: must be an integer']);
        const store = loadStore(o.store);
        const durationMs = parseDuration(o.duration);
        const preset = o.preset as PresetName;
        if (o.live) {
          const speed = Number(o.speed);
          if (!(speed > 0)) throw new ValidationError('--speed', ['--speed: must be > 0']);
          if (o.devices !== 'bus' && o.devices !== 'pty')
            throw new ValidationError('--devices', [`--devices: "${o.devices}" is not bus or pty`]);
          const r = await runLive({
            store,
            storeArg: o.store,
            preset,
            seed,
            durationMs,
            speed,
            devices: o.devices,
            startDelayMs: parseDuration(o.startDelay, '--start-delay'),
            ...(o.deviceFaults ? { faultEveryMs: parseDuration(o.deviceFaults, '--device-faults') } : {}),
            bus: {
              publish: o.busPublish,
              subscribe: o.busSubscribe ?? o.busPublish.replace(/\d+$/, (p) => String(Number(p) + 1)),
            },
          });
          const what =
            o.devices === 'pty'
              ? `${r.sent} camera messages to ${o.busPublish}; ${r.frames} shelf frames through the emulated devices; ${r.restarts} driver restarts`
              : `${r.sent} sensor messages to ${o.busPublish}`;
          process.stdout.write(`published ${what}; at worst ${r.maxLagMs} ms behind the clock\n`);
          return;
        }
        const out = o.out as string;
        const w = RecordingWriter.open(out, {
          generator: 'walkout-sim 0.1.0',
          store: store.config,
          sim: { preset, seed, startMs: DEFAULT_START_MS, durationMs },
        });
        let messages = 0;
        let sessions = 0;
        for (const e of simulate({ store, preset, seed, durationMs })) {
          if (e.kind === 'message') {
            w.message(e.at, e.topic, e.msg);
            messages++;
          } else {
            w.truth(e.truth);
            if (e.truth.truth === 'session') sessions++;
          }
          if ((messages & 1023) === 0) await w.flushIfNeeded();
        }
        await w.close();
        process.stdout.write(`wrote ${out}: ${messages} messages, ${sessions} sessions\n`);
      },
    );

  program
    .command('score')
    .description("Compare receipts with a recording's ground truth")
    .argument('<recording>')
    .argument('<receipts>', 'receipts.ndjson from walkout replay')
    .option('--json', 'print the figures as a JSON line last')
    .action(async (recording: string, receiptsPath: string, o: { json?: boolean }) => {
      const rec = await openRecording(recording);
      const truth: TruthReceipt[] = [];
      for await (const e of rec.entries())
        if (e.kind === 'truth' && e.truth.truth === 'receipt') truth.push(e.truth);
      const s = scoreReceipts(truth, await readReceipts(receiptsPath));
      const pct = (v: number) => `${(v * 100).toFixed(2)} %`;
      process.stdout.write(
        `sessions     ${s.sessions}\nexact        ${pct(s.exact)}\nprecision    ${pct(s.precision)}\nrecall       ${pct(s.recall)}\nf1           ${s.f1.toFixed(4)}\nreview rate  ${pct(s.reviewRate)}\nwrong charge ${pct(s.wrongChargeRate)}\novercharge   ${pct(s.overchargeRate)}\n`,
      );
      if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
    });
}
