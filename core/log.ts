import pino, { type Logger } from 'pino';

// One root logger; modules take children so every line carries `module`. Level from WALKOUT_LOG_LEVEL.
const root = pino({
  level: process.env.WALKOUT_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
  // Under `walkout supervise` every line names its process ("<box>/<name>"): their logs share one stream.
  base: process.env.WALKOUT_PROCESS ? { process: process.env.WALKOUT_PROCESS } : undefined,
  redact: {
    paths: ['*.secret', '*.apiKey', '*.password', '*.authorization', 'headers.authorization'],
    remove: true,
  },
});

export type { Logger };

export function createLogger(module: string, fields: Record<string, unknown> = {}): Logger {
  return root.child({ module, ...fields });
}
