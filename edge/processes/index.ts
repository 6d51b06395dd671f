/**
 * Edge processes: `walkout supervise <config>` runs one box's processes (bus proxy, fusion core,
 * operator API, shelf drivers, camera workers — any walkout subcommand) and restarts crashed ones
 * with backoff and a rate cap, reporting on the bus, in logs and in prom-client metrics.
 */
export {
  loadSupervisorConfig,
  ProcessEntry,
  parseSupervisorConfig,
  RestartPolicy,
  SupervisorConfig,
  type SupervisorConfigInput,
} from './config.ts';
export { type WorkerEvent, WorkerReporter } from './reporter.ts';
export { type RestartDecision, RestartLimiter } from './restart-limiter.ts';
export { type Supervisor, startSupervisor, workerArgv, workerSpecs } from './supervisor.ts';
export { WALKOUT_BIN, WorkerProcess, type WorkerSpec, type WorkerState } from './worker-process.ts';
