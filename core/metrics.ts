import { Counter, type Registry } from 'prom-client';

/**
 * Registers counters that prom-client reads at scrape time from plain numbers a stage keeps on its hot
 * path (a label lookup per sample would cost more than the work being counted).
 */
export function registerScrapedCounters<T>(
  registry: Registry,
  specs: ReadonlyArray<
    readonly [key: { [K in keyof T]: T[K] extends number ? K : never }[keyof T], name: string, help: string]
  >,
  read: () => T,
): void {
  for (const [key, name, help] of specs) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read()[key] as number);
      },
    });
  }
}
