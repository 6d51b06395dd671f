#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx so `npx walkout` works right after `npm ci`, no build step.
import { register } from 'tsx/esm/api';

// The demo prints its own narrative; keep structured logs to warnings unless asked otherwise.
if (process.argv[2] === 'demo') process.env.WALKOUT_LOG_LEVEL ??= 'warn';
register();
const { main } = await import('../cli/main.ts');
await main(process.argv);
