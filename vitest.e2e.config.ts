import path from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: a real `next start` and a real Chromium, one file at a time. They need a
 * production build (`npm run build`) and run with `npx vitest run --config vitest.e2e.config.ts`.
 */
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    environment: 'node',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    env: { NEXT_TELEMETRY_DISABLED: '1' },
  },
});
