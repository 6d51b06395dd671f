import { createServer, type Server } from 'node:http';
import { createLogger } from '../../core/log.ts';
import { ZmqBus } from '../bus/index.ts';
import type { ProcessEntry, SupervisorConfig } from './config.ts';
import { HeldSink } from './held-sink.ts';
import { type WorkerEvent, WorkerReporter } from './reporter.ts';
import { WorkerProcess, type WorkerSpec } from './worker-process.ts';

const log = createLogger('edge.processes');

export interface Supervisor {
  readonly workers: readonly WorkerProcess[];
  readonly reporter: WorkerReporter;
  /** http://host:port/metrics when `metrics` is configured. */
  readonly metricsUrl: string | undefined;
  /** Stops every process (SIGTERM, then SIGKILL after shutdownTimeoutMs), the proxy last. */
  stop(): Promise<void>;
}

/** The argv of one entry: its subcommand, its arguments, then the bus endpoints it asked for. */
export function workerArgv(entry: ProcessEntry, bus: SupervisorConfig['bus']): string[] {
  const argv = [entry.command, ...entry.args];
  if (entry.bus !== 'none') argv.push('--bus-publish', bus.publish);
  if (entry.bus === 'both') argv.push('--bus-subscribe', bus.subscribe);
  return argv;
}

export function workerSpecs(cfg: SupervisorConfig): WorkerSpec[] {
  const specs: WorkerSpec[] = [];
  if (cfg.bus.proxy)
    specs.push({
      name: 'bus-proxy',
      deviceId: `${cfg.box}/bus-proxy`,
      argv: ['bus-proxy', '--publish', cfg.bus.publish, '--subscribe', cfg.bus.subscribe],
      env: {},
      restart: 'always',
      policy: cfg.restartPolicy,
    });
  for (const p of cfg.processes)
    if (p.enabled)
      specs.push({
        name: p.name,
        deviceId: `${cfg.box}/${p.name}`,
        argv: workerArgv(p, cfg.bus),
        env: p.env,
        restart: p.restart,
        policy: { ...cfg.restartPolicy, ...p.restartPolicy },
      });
  return specs;
}

async function serveMetrics(reporter: WorkerReporter, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    reporter.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': reporter.registry.contentType }).end(body),
      (err: unknown) => {
        log.error({ err }, 'metrics failed');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** How long held reports wait after our probe's round trip, for the other subscribers to be back. */
const RESUBSCRIBE_GRACE_MS = 1000;

/** Publishes a probe `device.status` until it comes back through the proxy, or `ms` pass. */
async function busReachable(bus: ZmqBus, deviceId: string, ms: number): Promise<boolean> {
  let seen = false;
  const off = bus.subscribe('device.status', (m) => {
    if (m.deviceId === deviceId) seen = true;
  });
  const end = Date.now() + ms;
  try {
    while (!seen && Date.now() < end) {
      bus.publish('device.status', {
        deviceId,
        kind: 'worker',
        t: Date.now(),
        status: 'up',
        detail: 'on the bus',
      });
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    off();
  }
  return seen;
}

/**
 * Starts the processes of one edge box: the bus proxy first (when this box runs it), then every
 * entry in order. The supervisor joins the bus itself only to publish what happens to its processes.
 */
export async function startSupervisor(cfg: SupervisorConfig): Promise<Supervisor> {
  const bus = await ZmqBus.connect({ publish: cfg.bus.publish, subscribe: cfg.bus.subscribe });
  const sink = new HeldSink(bus);
  const reporter = new WorkerReporter(sink);
  const probeId = `${cfg.box}/supervisor`;
  let proxyWorker: WorkerProcess | undefined;
  let stopped = false;
  let probing = false;
  // Held reports go out once our probe makes the round trip; retried while the proxy runs.
  const releaseWhenReachable = async () => {
    if (probing) return;
    probing = true;
    try {
      while (!stopped && (!proxyWorker || proxyWorker.state === 'running'))
        if (await busReachable(bus, probeId, 5_000)) {
          // Our round trip proves only our own sockets are back; the other processes reconnect to
          // the new proxy on the same 100 ms schedule but may resubscribe a little later, and what
          // is published before they do is lost to them.
          await new Promise((r) => setTimeout(r, RESUBSCRIBE_GRACE_MS));
          if (!stopped) sink.release();
          return;
        }
    } finally {
      probing = false;
    }
  };
  const onEvent = (e: WorkerEvent) => {
    if (proxyWorker && e.worker === proxyWorker.spec.name) {
      if (e.event === 'crashed' || e.event === 'failed') sink.hold();
      if (e.event === 'started' && sink.holding) void releaseWhenReachable();
    }
    reporter.report(e);
  };
  const workers = workerSpecs(cfg).map((s) => new WorkerProcess(s, onEvent));
  for (const w of workers) reporter.track(w.spec.name);
  let server: Server | undefined;
  let metricsUrl: string | undefined;
  if (cfg.metrics) {
    server = await serveMetrics(reporter, cfg.metrics.host, cfg.metrics.port);
    const addr = server.address();
    metricsUrl = `http://${cfg.metrics.host}:${typeof addr === 'object' && addr ? addr.port : cfg.metrics.port}/metrics`;
  }
  proxyWorker = cfg.bus.proxy ? workers[0] : undefined;
  sink.hold();
  proxyWorker?.start();
  // Reports published before the proxy is up are lost (pub/sub), so the rest start once the bus works.
  if (await busReachable(bus, probeId, 15_000)) sink.release();
  else {
    log.warn({ bus: cfg.bus }, 'bus proxy not reachable yet; starting processes anyway');
    void releaseWhenReachable();
  }
  for (const w of workers) if (w !== proxyWorker) w.start();
  log.info(
    { box: cfg.box, processes: workers.map((w) => w.spec.name), bus: cfg.bus, metricsUrl },
    'supervisor running',
  );
  let stopping: Promise<void> | undefined;
  return {
    workers,
    reporter,
    metricsUrl,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        const proxy = proxyWorker;
        await Promise.all(workers.filter((w) => w !== proxy).map((w) => w.stop(cfg.shutdownTimeoutMs)));
        // The proxy goes last so the other processes' final messages and our "stopped" reports pass.
        await bus.flush();
        await new Promise((r) => setTimeout(r, 100));
        await proxy?.stop(cfg.shutdownTimeoutMs);
        await bus.close();
        await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
        log.info({ box: cfg.box }, 'supervisor stopped');
      })();
      return stopping;
    },
  };
}
