import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BatchResult } from './embed-batch';
import { fromWorkerSchema, type WorkerSetup } from './embed-worker-protocol';

/**
 * A short-lived pool of embedding worker threads, one TF.js runtime and backbone each, fed
 * batches of file paths. Each worker holds up to two batches so it decodes one while it embeds
 * the other.
 */

const BATCHES_IN_FLIGHT_PER_WORKER = 2;
const ENTRY_FILE = 'embed-worker.mjs';

/** Thrown when no worker could start; the caller embeds in-process instead. */
export class WorkerPoolUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerPoolUnavailableError';
  }
}

/**
 * The worker entry file. Beside this module in the source tree; under `next start` this module
 * is bundled into .next/, so the source tree under the working directory is tried too.
 */
export function workerEntryFile(): string | undefined {
  const candidates = [
    path.join(path.dirname(fileURLToPath(import.meta.url)), ENTRY_FILE),
    path.join(process.cwd(), 'lib', 'ml', ENTRY_FILE),
  ];
  return candidates.find((candidate) => fs.existsSync(candidate));
}

function startWorker(entry: string, setup: WorkerSetup): Promise<Worker> {
  // execArgv is cleared so that a parent's own TS loader flags are not applied twice; the entry
  // registers tsx itself.
  const worker = new Worker(entry, { workerData: setup, execArgv: [] });

  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      void worker.terminate();
      reject(new WorkerPoolUnavailableError(message));
    };
    worker.once('message', (raw: unknown) => {
      const message = fromWorkerSchema.safeParse(raw);
      if (message.success && message.data.type === 'ready') resolve(worker);
      else
        fail(
          message.success && message.data.type === 'failed' ? message.data.message : 'bad hello',
        );
    });
    worker.once('error', (error) => fail(error.message));
    worker.once('exit', (code) => fail(`the worker exited with code ${code} while starting`));
  });
}

async function startWorkers(count: number, setup: WorkerSetup): Promise<Worker[]> {
  const entry = workerEntryFile();
  if (!entry) throw new WorkerPoolUnavailableError(`${ENTRY_FILE} was not found.`);

  const started = await Promise.allSettled(
    Array.from({ length: count }, () => startWorker(entry, setup)),
  );
  const workers = started.flatMap((outcome) =>
    outcome.status === 'fulfilled' ? [outcome.value] : [],
  );
  const failure = started.find((outcome) => outcome.status === 'rejected');
  if (failure && workers.length === 0) throw (failure as PromiseRejectedResult).reason;
  return workers;
}

interface PoolRun {
  batches: string[][];
  onBatch: (batchIndex: number, result: BatchResult) => void;
  signal?: AbortSignal;
}

/** Feeds every batch to the workers and resolves when all results are back. */
function dispatch(workers: Worker[], run: PoolRun): Promise<void> {
  const queue = run.batches.map((_, index) => index);
  let remaining = run.batches.length;

  return new Promise((resolve, reject) => {
    const feed = (worker: Worker) => {
      if (run.signal?.aborted) return reject(run.signal.reason);
      const batchId = queue.shift();
      if (batchId !== undefined) {
        worker.postMessage({ type: 'batch', batchId, files: run.batches[batchId] });
      }
    };

    for (const worker of workers) {
      worker.on('message', (raw: unknown) => {
        // An error thrown in a listener would escape the promise and end the whole process
        // (it did, when saving a batch met a locked database); it must fail this run instead.
        try {
          const message = fromWorkerSchema.parse(raw);
          if (message.type !== 'result') return;
          run.onBatch(message.batchId, { vectors: message.vectors, errors: message.errors });
          remaining -= 1;
          if (remaining === 0) resolve();
          else feed(worker);
        } catch (error) {
          reject(error);
        }
      });
      // TODO: a worker that dies mid-run fails the whole run; its batches could be re-queued.
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (remaining > 0) reject(new Error(`An embedding worker stopped (exit code ${code}).`));
      });
      for (let slot = 0; slot < BATCHES_IN_FLIGHT_PER_WORKER; slot++) feed(worker);
    }
    run.signal?.addEventListener('abort', () => reject(run.signal?.reason), { once: true });
    if (remaining === 0) resolve();
  });
}

/** Starts `count` workers, embeds the batches on them, and terminates them. */
export async function embedBatchesOnWorkers(
  count: number,
  setup: WorkerSetup,
  run: PoolRun,
): Promise<{ workers: number; durationMs: number }> {
  const workers = await startWorkers(count, setup);

  try {
    const startedAt = performance.now();
    await dispatch(workers, run);
    return { workers: workers.length, durationMs: performance.now() - startedAt };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
