import type { RestartPolicy } from './config.ts';

export type RestartDecision =
  | { restart: true; delayMs: number; restartsInWindow: number }
  | { restart: false; restartsInWindow: number };

/**
 * Exponential backoff with a rate cap: at most `maxRestarts` restarts within `windowMs`; the crash
 * after that gives up, so a process that can never start (bad arguments, missing device) does not
 * spin a core forever. A run of `stableMs` or longer counts as healthy and resets the backoff.
 */
export class RestartLimiter {
  private restarts: number[] = [];
  private consecutive = 0;

  constructor(private readonly policy: RestartPolicy) {}

  /** Called on each unexpected exit: `ranMs` is how long the process had been running. */
  onCrash(now: number, ranMs: number): RestartDecision {
    this.restarts = this.restarts.filter((t) => now - t < this.policy.windowMs);
    if (ranMs >= this.policy.stableMs) this.consecutive = 0;
    if (this.restarts.length >= this.policy.maxRestarts)
      return { restart: false, restartsInWindow: this.restarts.length };
    const delayMs = Math.min(
      this.policy.maxBackoffMs,
      this.policy.initialBackoffMs * this.policy.factor ** this.consecutive,
    );
    this.consecutive++;
    this.restarts.push(now);
    return { restart: true, delayMs: Math.round(delayMs), restartsInWindow: this.restarts.length };
  }
}
