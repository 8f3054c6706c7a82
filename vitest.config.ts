import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['tests/**/*.test.ts'],
    // Browser tests need a production build and run on their own: npm run test:e2e.
    exclude: ['tests/e2e/**', '**/node_modules/**'],
    environment: 'node',
    // Two cores: more workers only make TF.js and sharp fight over them.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    setupFiles: ['tests/helpers/setup.ts'],
    env: { CURIO_LOG_LEVEL: 'warn', NEXT_TELEMETRY_DISABLED: '1' },
  },
});
