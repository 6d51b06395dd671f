import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { WalkoutError } from '../../core/errors.ts';
import { createLogger } from '../../core/log.ts';
import type { InputTopic, TopicMap } from '../../core/messages.ts';
import type { StoreModel } from '../../core/store/store-model.ts';
import type { ProxyEndpoints } from '../../edge/bus/index.ts';
import { ZmqBus } from '../../edge/bus/index.ts';
import { storeClock } from '../../hardware/host/config.ts';
import { DEFAULT_START_MS, type PresetName, type SimEntry, simulate } from '../index.ts';
import { PtyDeviceRig } from './pty-device-rig.ts';

const log = createLogger('simulator.live');

export class LiveDevicesError extends WalkoutError {}

export interface LiveOptions {
  store: StoreModel;
  /** The store argument as given (name or file), passed on to `walkout devices`. */
  storeArg: string;
  preset: PresetName;
  seed: number;
  durationMs: number;
  speed: number;
  bus: ProxyEndpoints;
  /** 'bus': sensor messages straight onto the bus. 'pty': shelves and gates through emulated devices. */
  devices: 'bus' | 'pty';
  /** pty: inject line noise and CRC errors on every device link this often (wall ms); 0 = never. */
  faultEveryMs?: number;
  /** pty: wall time allowed for `walkout devices` to open every port before the clock starts. */
  startDelayMs?: number;
  /** Entry token of the i-th arriving session (the demo uses real cloud tokens). */
  tokenFor?: (index: number) => string;
}

export interface LiveResult {
  /** Messages published straight onto the bus. */
  sent: number;
  /** Shelf sample frames sent through the emulated controllers (pty mode). */
  frames: number;
  /** Times the `walkout devices` child was restarted after dying (pty mode). */
  restarts: number;
  /** Store ms the simulation sent a message after its time, at worst: it could not keep up with --speed. */
  maxLagMs: number;
}

/** Beyond this (store ms) sensor time stamps are off enough to cost receipts: said once, loudly. */
const LAG_WARN_MS = 1000;

/** Keeps the worst lag and warns the first time it passes LAG_WARN_MS. */
class LagWatch {
  max = 0;
  private warned = false;

  constructor(
    private readonly speed: number,
    /** What the lag costs in this mode. */
    private readonly cost: string,
  ) {}

  see(lagMs: number): void {
    if (lagMs <= this.max) return;
    this.max = lagMs;
    if (this.warned || lagMs <= LAG_WARN_MS) return;
    this.warned = true;
    log.warn(
      { lagMs: Math.round(lagMs), speed: this.speed },
      `the simulation falls behind the store clock: ${this.cost}; lower --speed`,
    );
  }
}

const MAX_RESTARTS = 5;

const simOptions = (o: LiveOptions) => ({
  store: o.store,
  preset: o.preset,
  seed: o.seed,
  durationMs: o.durationMs,
  ...(o.tokenFor ? { tokenFor: o.tokenFor } : {}),
});

type Msg = Extract<SimEntry, { kind: 'message' }>;

/** Plays a simulation in real time (× speed) as the store's sensors would: never ground truth. */
export async function runLive(o: LiveOptions): Promise<LiveResult> {
  return o.devices === 'pty' ? runThroughDevices(o) : runOnBus(o);
}

async function runOnBus(o: LiveOptions): Promise<LiveResult> {
  const bus = await ZmqBus.connect(o.bus);
  let stop = false;
  process.once('SIGINT', () => {
    stop = true;
  });
  const wall0 = performance.now();
  const lag = new LagWatch(o.speed, 'its messages reach the edge late');
  let at0: number | undefined;
  let sent = 0;
  for (const e of simulate(simOptions(o))) {
    if (stop) break;
    if (e.kind !== 'message') continue;
    at0 ??= e.at;
    const wait = wall0 + (e.at - at0) / o.speed - performance.now();
    if (wait > 5) await sleep(wait);
    else lag.see(-wait * o.speed);
    bus.publish(e.topic, e.msg);
    sent++;
  }
  await bus.close();
  return { sent, frames: 0, restarts: 0, maxLagMs: Math.round(lag.max) };
}

/** Store ms of simulation pulled ahead of the clock: every batch of a sample instant is in by then. */
const LOOKAHEAD_MS = 600;

function spawnDrivers(o: LiveOptions, dir: string, config: string): ChildProcess {
  const bin = fileURLToPath(new URL('../../bin/walkout.mjs', import.meta.url));
  // biome-ignore format: flag/value pairs
  const args = [bin, 'devices', '--store', o.storeArg, '--config', config, '--calibration', join(dir, 'calibration.db'),
    '--bus-publish', o.bus.publish, '--bus-subscribe', o.bus.subscribe];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  // Its logs (pino, on stdout) go to our stderr: our stdout carries only the run's summary line.
  child.stdout?.pipe(process.stderr, { end: false });
  return child;
}

/** How a child ended ('code 1', 'SIGKILL'), or undefined while it runs. */
function exited(c: ChildProcess): string | undefined {
  if (c.exitCode !== null) return `code ${c.exitCode}`;
  return c.signalCode ?? undefined;
}

async function runThroughDevices(o: LiveOptions): Promise<LiveResult> {
  const dir = mkdtempSync(join(tmpdir(), 'walkout-sim-devices-'));
  const startMs = DEFAULT_START_MS;
  const clock = { originMs: startMs, wallMs: Date.now() + (o.startDelayMs ?? 8000), speed: o.speed };
  const now = storeClock(clock);
  const lag = new LagWatch(o.speed, 'the drivers stamp what it sends late, which costs receipts');
  const rig = new PtyDeviceRig(o.store, dir, startMs, now, (ms) => lag.see(ms));
  const bus = await ZmqBus.connect(o.bus);
  let child: ChildProcess | undefined;
  let config = '';
  let stop = false;
  const onSigint = () => {
    stop = true;
  };
  // A supervisor stops with SIGTERM: clean up the socat pairs and the drivers either way.
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let sent = 0;
  let restarts = 0;
  try {
    await rig.plug();
    config = join(dir, 'devices.json');
    writeFileSync(config, JSON.stringify(rig.devicesConfig(clock), null, 2));
    child = spawnDrivers(o, dir, config);
    let ready = false;
    child.stdout?.on('data', (b: Buffer) => {
      if (b.toString().includes('ready:')) ready = true;
    });
    const ids = rig.deviceIds();
    while (!ready) {
      if (stop) return { sent, frames: 0, restarts, maxLagMs: 0 };
      if (exited(child)) throw new LiveDevicesError(`walkout devices exited (${exited(child)})`);
      if (Date.now() > clock.wallMs)
        throw new LiveDevicesError(
          `the ${ids.length} device drivers were not up in time; raise --start-delay`,
        );
      await sleep(20);
    }
    log.info({ devices: ids.length, dir }, 'device drivers up; store clock starts');
    // The generator's set-up (its first step) runs before the clock starts, not on it.
    const gen = simulate(simOptions(o));
    let next = gen.next();
    await sleep(Math.max(0, clock.wallMs - Date.now()));
    let nextFault = Date.now() + (o.faultEveryMs ?? 0);
    const direct: Msg[] = [];
    while (!stop) {
      const t = now();
      for (
        ;
        !next.done && (next.value.kind !== 'message' || next.value.at <= t + LOOKAHEAD_MS);
        next = gen.next()
      ) {
        const e = next.value;
        if (e.kind !== 'message') continue;
        if (e.topic === 'shelf.samples') rig.samples(e.msg as TopicMap['shelf.samples']);
        else if (e.topic === 'gate.scan') rig.scan(e.msg as TopicMap['gate.scan']);
        else if (e.topic === 'gate.passage') rig.passage(e.msg as TopicMap['gate.passage']);
        // The drivers report shelf and gate health themselves; the simulator's camera outages stay.
        else if (e.topic === 'device.status' && (e.msg as TopicMap['device.status']).kind !== 'camera')
          continue;
        else direct.push(e);
      }
      while (direct.length > 0 && (direct[0]?.at ?? 0) <= t) {
        const e = direct.shift() as Msg;
        lag.see(now() - e.at);
        bus.publish(e.topic as InputTopic, e.msg);
        sent++;
      }
      rig.pump();
      if (o.faultEveryMs && Date.now() >= nextFault) {
        rig.injectLineNoise();
        nextFault += o.faultEveryMs;
      }
      if (exited(child)) {
        // Like a supervisor would: restart the drivers; they reopen the ports and resume.
        if (restarts >= MAX_RESTARTS)
          throw new LiveDevicesError(`walkout devices exited (${exited(child)}) ${restarts + 1} times`);
        restarts++;
        log.warn({ how: exited(child), restarts }, 'walkout devices exited; restarting it');
        child = spawnDrivers(o, dir, config);
      }
      if (next.done && direct.length === 0 && rig.drained()) break;
      await sleep(4);
    }
    // Let the drivers read the last frames before the ports go away.
    await sleep(300);
    const dropped = rig.controllers.reduce((n, c) => n + c.fw.framesDropped, 0);
    log.info(
      {
        frames: rig.framesSent(),
        dropped,
        holes: rig.holes,
        direct: sent,
        restarts,
        noiseBursts: rig.noiseBursts,
        maxLagMs: Math.round(lag.max),
      },
      'simulation through devices done',
    );
    return { sent, frames: rig.framesSent(), restarts, maxLagMs: Math.round(lag.max) };
  } finally {
    if (child && !exited(child)) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    await rig.close();
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
    // Only now: a second Ctrl-C during the clean-up above must not leave socat pairs behind.
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
