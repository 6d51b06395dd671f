import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores on CI machines: keep parallelism modest so timing-sensitive I/O tests stay reliable.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
