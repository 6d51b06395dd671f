import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { WalkoutError } from '../../core/errors.ts';

export class PtyError extends WalkoutError {}

/**
 * A pseudo-terminal pair made by socat (`pty,raw,echo=0,link=…` on both sides): what is written to
 * `devicePath` is read from `hostPath` and back, like a USB-serial cable. `unplug()` kills socat, which
 * closes both ptys and removes the links, as pulling the cable does; `plug()` makes a new pair at the
 * same paths.
 */
export class SocatPtyPair {
  private proc: ChildProcess | undefined;

  constructor(
    readonly hostPath: string,
    readonly devicePath: string,
  ) {}

  get running(): boolean {
    return this.proc !== undefined;
  }

  async plug(timeoutMs = 5000): Promise<void> {
    if (this.proc) return;
    const proc = spawn(
      'socat',
      [`pty,raw,echo=0,link=${this.hostPath}`, `pty,raw,echo=0,link=${this.devicePath}`],
      { stdio: 'ignore' },
    );
    this.proc = proc;
    let exited = false;
    proc.once('exit', () => {
      exited = true;
      if (this.proc === proc) this.proc = undefined;
    });
    proc.once('error', () => {
      exited = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (!(existsSync(this.hostPath) && existsSync(this.devicePath))) {
      if (exited) throw new PtyError('socat exited before creating the pty pair (is socat installed?)');
      if (Date.now() > deadline)
        throw new PtyError(`socat did not create ${this.hostPath} in ${timeoutMs} ms`);
      await sleep(10);
    }
  }

  /** Kills socat and waits until it is gone and its links are removed. */
  async unplug(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await gone;
    this.proc = undefined;
    const deadline = Date.now() + 2000;
    while ((existsSync(this.hostPath) || existsSync(this.devicePath)) && Date.now() < deadline)
      await sleep(10);
  }
}
