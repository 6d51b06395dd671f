// Runs `walkout supervise` as a real child process and reads its structured log lines.
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SupervisorConfigInput } from '../../edge/processes/index.ts';

export interface LogLine {
  module?: string;
  msg?: string;
  event?: string;
  worker?: string;
  pid?: number;
  starts?: number;
  metricsUrl?: string;
  [k: string]: unknown;
}

export interface RunningSupervisor {
  child: ChildProcess;
  lines: LogLine[];
  /** Non-JSON output (CLI messages of the children). */
  text: string[];
  events(worker: string, event?: string): LogLine[];
  exited: Promise<number | null>;
}

export async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export { freePort } from '../fixtures/ports.ts';

export function startSupervisorProcess(
  dir: string,
  name: string,
  cfg: SupervisorConfigInput,
): RunningSupervisor {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(cfg, null, 2));
  return superviseFile(path);
}

/** `walkout supervise <path>` for any file, valid or not. */
export function superviseFile(path: string): RunningSupervisor {
  const child = spawn(process.execPath, ['bin/walkout.mjs', 'supervise', path], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WALKOUT_LOG_LEVEL: 'info' },
  });
  const lines: LogLine[] = [];
  const text: string[] = [];
  let buf = '';
  const onData = (b: Buffer) => {
    buf += b.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        text.push(line);
      }
      nl = buf.indexOf('\n');
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', (b: Buffer) => text.push(b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    lines,
    text,
    exited,
    events: (worker, event) =>
      lines.filter(
        (l) => l.module === 'edge.processes' && l.worker === worker && (!event || l.event === event),
      ),
  };
}

/** True while a process with this pid exists (signal 0 only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
