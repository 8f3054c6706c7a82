// Entry of an embedding worker thread. The worker's code is TypeScript; this plain module lets
// Node start it in every setting (tsx CLI, vitest, next start from the source tree) by
// registering tsx's loader inside the thread first. tsx is a dev dependency: where it is absent
// the import fails, the worker reports it, and the caller falls back to embedding in-process.
import { parentPort } from 'node:worker_threads';

try {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./embed-worker.ts');
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  parentPort?.postMessage({
    type: 'failed',
    message: `The embedding worker cannot start: ${message}`,
  });
}
