import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { parseOrThrow } from '../../core/validate.ts';

/**
 * The process list of one edge box, read by `walkout supervise <file>`. Every process is a walkout
 * subcommand with arguments, so a new command (camera worker, gate driver, …) needs no supervisor change.
 */

const Endpoint = z
  .string()
  .regex(/^(tcp:\/\/[^\s]+:\d+|ipc:\/\/[^\s]+)$/, 'must be tcp://host:port or ipc://path');

const policyFields = {
  maxRestarts: z
    .number()
    .int()
    .min(0)
    .describe('restarts allowed within windowMs; one more crash marks the process failed and leaves it down'),
  windowMs: z.number().int().positive().describe('the rate-cap window (ms)'),
  initialBackoffMs: z.number().int().min(0).describe('delay before the first restart (ms)'),
  maxBackoffMs: z.number().int().min(0).describe('longest delay between restarts (ms)'),
  factor: z.number().min(1).max(10).describe('backoff growth per consecutive crash'),
  stableMs: z.number().int().positive().describe('a run at least this long resets the backoff'),
};

export const RestartPolicy = z.strictObject({
  maxRestarts: policyFields.maxRestarts.default(5),
  windowMs: policyFields.windowMs.default(600_000),
  initialBackoffMs: policyFields.initialBackoffMs.default(500),
  maxBackoffMs: policyFields.maxBackoffMs.default(30_000),
  factor: policyFields.factor.default(2),
  stableMs: policyFields.stableMs.default(30_000),
});
/** Per-process overrides: no defaults here, or they would mask the box-wide values. */
const RestartPolicyOverride = z.strictObject(policyFields).partial();
export type RestartPolicy = z.infer<typeof RestartPolicy>;

const RESERVED_COMMANDS = ['supervise', 'demo'];

export const ProcessEntry = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
    .describe('unique on this box; the device id on the bus is "<box>/<name>"'),
  command: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'must be a walkout subcommand such as edge, shelf or camera')
    .refine((c) => !RESERVED_COMMANDS.includes(c), 'cannot be run under the supervisor')
    .describe('the walkout subcommand'),
  args: z.array(z.string().max(4096)).max(256).default([]).describe('arguments after the subcommand'),
  bus: z
    .enum(['both', 'publish', 'none'])
    .default('both')
    .describe('append --bus-publish/--bus-subscribe (both), only --bus-publish, or nothing'),
  restart: z
    .enum(['on-failure', 'always', 'never'])
    .default('on-failure')
    .describe('on-failure: restart unless it exited with code 0; always: also after a clean exit'),
  env: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'), z.string())
    .default({})
    .describe('extra environment variables'),
  restartPolicy: RestartPolicyOverride.optional().describe('overrides of the box-wide restartPolicy'),
  enabled: z.boolean().default(true),
});
export type ProcessEntry = z.infer<typeof ProcessEntry>;

export const SupervisorConfig = z
  .strictObject({
    box: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-"')
      .default('edge')
      .describe('this edge box; prefixes the device ids it reports'),
    bus: z
      .strictObject({
        publish: Endpoint.default('tcp://127.0.0.1:5555').describe("the proxy's publisher (XSUB) side"),
        subscribe: Endpoint.default('tcp://127.0.0.1:5556').describe("the proxy's subscriber (XPUB) side"),
        proxy: z
          .boolean()
          .default(true)
          .describe('run the bus proxy on this box (false: join another box’s proxy at these endpoints)'),
      })
      .prefault({}),
    restartPolicy: RestartPolicy.prefault({}),
    shutdownTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('after SIGTERM, how long a process may take before it is killed'),
    metrics: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65_535),
      })
      .optional()
      .describe('serve prom-client metrics on http://host:port/metrics'),
    processes: z.array(ProcessEntry).min(1),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>(cfg.bus.proxy ? ['bus-proxy'] : []);
    cfg.processes.forEach((p, i) => {
      if (seen.has(p.name))
        ctx.addIssue({
          code: 'custom',
          path: ['processes', i, 'name'],
          message: `"${p.name}" is used twice${p.name === 'bus-proxy' ? ' (the supervisor runs the proxy under that name)' : ''}`,
        });
      seen.add(p.name);
    });
  });
export type SupervisorConfig = z.infer<typeof SupervisorConfig>;
export type SupervisorConfigInput = z.input<typeof SupervisorConfig>;

export function parseSupervisorConfig(input: unknown, subject = 'supervisor config'): SupervisorConfig {
  return parseOrThrow(SupervisorConfig, input, subject, ConfigError);
}

/** Reads a YAML or JSON file (YAML is a superset of JSON). */
export function loadSupervisorConfig(path: string): SupervisorConfig {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(path, [`(file): cannot read supervisor config: ${(err as Error).message}`]);
  }
  return parseSupervisorConfig(doc, path);
}
