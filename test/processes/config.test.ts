import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.ts';
import {
  loadSupervisorConfig,
  parseSupervisorConfig,
  RestartLimiter,
  workerSpecs,
} from '../../edge/processes/index.ts';

function issues(input: unknown): string[] {
  try {
    parseSupervisorConfig(input);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('config was accepted');
}

describe('supervisor config', () => {
  it('fills defaults and builds the argv of each process, the proxy first', () => {
    const cfg = parseSupervisorConfig({
      box: 'box-a',
      bus: { publish: 'ipc:///tmp/p', subscribe: 'ipc:///tmp/s' },
      processes: [
        { name: 'fusion', command: 'edge', args: ['--store', 'demo'] },
        { name: 'sim', command: 'sim', args: ['--live'], bus: 'publish', restart: 'never' },
        { name: 'off', command: 'shelf', enabled: false },
      ],
    });
    expect(cfg.restartPolicy).toEqual({
      maxRestarts: 5,
      windowMs: 600_000,
      initialBackoffMs: 500,
      maxBackoffMs: 30_000,
      factor: 2,
      stableMs: 30_000,
    });
    expect(cfg.shutdownTimeoutMs).toBe(10_000);
    const specs = workerSpecs(cfg);
    expect(specs.map((s) => [s.deviceId, s.argv.join(' '), s.restart])).toEqual([
      ['box-a/bus-proxy', 'bus-proxy --publish ipc:///tmp/p --subscribe ipc:///tmp/s', 'always'],
      [
        'box-a/fusion',
        'edge --store demo --bus-publish ipc:///tmp/p --bus-subscribe ipc:///tmp/s',
        'on-failure',
      ],
      ['box-a/sim', 'sim --live --bus-publish ipc:///tmp/p', 'never'],
    ]);
  });

  it('merges per-process restart policy overrides', () => {
    const cfg = parseSupervisorConfig({
      bus: { proxy: false },
      restartPolicy: { maxRestarts: 3 },
      processes: [{ name: 'cam1', command: 'camera', restartPolicy: { initialBackoffMs: 50 } }],
    });
    const [spec] = workerSpecs(cfg);
    expect(spec?.policy.maxRestarts).toBe(3);
    expect(spec?.policy.initialBackoffMs).toBe(50);
    expect(workerSpecs(cfg)).toHaveLength(1); // no proxy on a box that joins another box's bus
  });

  it('rejects bad input naming the field', () => {
    expect(issues({ processes: [] })).toEqual(['processes: must have >= 1 items']);
    expect(issues({ processes: [{ name: 'a', command: 'edge', restrat: 'always' }] })).toEqual([
      'processes[0].restrat: unknown key "restrat"',
    ]);
    expect(issues({ procesess: [], processes: [{ name: 'a', command: 'edge' }] })).toEqual([
      'procesess: unknown key "procesess"',
    ]);
    expect(
      issues({
        processes: [
          { name: 'a', command: 'edge' },
          { name: 'a', command: 'shelf' },
        ],
      }),
    ).toEqual(['processes[1].name: "a" is used twice']);
    expect(issues({ processes: [{ name: 'bus-proxy', command: 'edge' }] })[0]).toContain(
      'processes[0].name: "bus-proxy" is used twice',
    );
    expect(issues({ bus: { publish: 'http://x' }, processes: [{ name: 'a', command: 'edge' }] })).toEqual([
      'bus.publish: must be tcp://host:port or ipc://path',
    ]);
    expect(issues({ processes: [{ name: 'a', command: 'supervise' }] })).toEqual([
      'processes[0].command: cannot be run under the supervisor',
    ]);
    expect(issues({ processes: [{ name: 'a', command: 'edge', restart: 'sometimes' }] })[0]).toMatch(
      /^processes\[0\]\.restart: /,
    );
    expect(
      issues({ restartPolicy: { maxRestarts: -1 }, processes: [{ name: 'a', command: 'edge' }] }),
    ).toEqual(['restartPolicy.maxRestarts: must be >= 0']);
    expect(issues({ processes: [{ name: 'a b', command: 'edge' }] })[0]).toMatch(/^processes\[0\]\.name: /);
  });
});

describe('example configs (docs/processes.md)', () => {
  it('parse', () => {
    const a = loadSupervisorConfig('edge/processes/examples/box-a.yaml');
    expect(workerSpecs(a).map((s) => s.name)).toEqual(['bus-proxy', 'fusion', 'operator-api', 'shelf-c1']);
    expect(workerSpecs(a)[3]?.policy.maxRestarts).toBe(20);
    const b = loadSupervisorConfig('edge/processes/examples/box-b.yaml');
    expect(workerSpecs(b).map((s) => s.argv.at(-1))).toEqual(['tcp://127.0.0.1:5555']);
  });
});

describe('restart limiter', () => {
  const policy = {
    maxRestarts: 3,
    windowMs: 10_000,
    initialBackoffMs: 100,
    maxBackoffMs: 350,
    factor: 2,
    stableMs: 5_000,
  };

  it('backs off exponentially up to the maximum, then gives up at the rate cap', () => {
    const l = new RestartLimiter(policy);
    expect(l.onCrash(0, 10)).toEqual({ restart: true, delayMs: 100, restartsInWindow: 1 });
    expect(l.onCrash(200, 10)).toEqual({ restart: true, delayMs: 200, restartsInWindow: 2 });
    expect(l.onCrash(500, 10)).toEqual({ restart: true, delayMs: 350, restartsInWindow: 3 });
    expect(l.onCrash(900, 10)).toEqual({ restart: false, restartsInWindow: 3 });
  });

  it('forgets restarts older than the window and resets the backoff after a stable run', () => {
    const l = new RestartLimiter(policy);
    l.onCrash(0, 10);
    l.onCrash(1_000, 10);
    l.onCrash(2_000, 10);
    // 11 s later the first two restarts left the window; the run lasted 6 s, so the backoff restarts.
    expect(l.onCrash(11_500, 6_000)).toEqual({ restart: true, delayMs: 100, restartsInWindow: 2 });
  });
});
