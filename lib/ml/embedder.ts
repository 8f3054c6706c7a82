import os from 'node:os';
import { env } from '@/lib/env';
import { createLogger } from '@/lib/log';
import { initTf, type BackendName, type TfRuntime } from './backend';
import type { BackboneSpec, ResizePolicy } from './backbone-spec';
import { resolveBackbone } from './backbones';
import { embedBatchesInOrder, type BatchResult } from './embed-batch';
import { embedBatchesOnWorkers, WorkerPoolUnavailableError } from './embed-worker-pool';
import { acquireBackbone, releaseResidentBackbones } from './resident-backbones';

/**
 * Embeds image files with a backbone, in order, on every core. On wasm (one thread per runtime
 * in Node) a pool of worker threads runs one runtime each; on the node backends TensorFlow's
 * own thread pool already uses every core, so embedding stays in-process.
 */

export const DEFAULT_BATCH_SIZE = 16;

export interface EmbedOptions {
  backbone: string;
  batchSize?: number;
  /**
   * Worker threads on wasm. When unset: CURIO_ML_WORKERS or the CPU count, but only for runs of
   * at least 256 images (smaller ones finish sooner in-process than the workers start).
   */
  workers?: number;
  resize?: ResizePolicy;
  onProgress?: (done: number, total: number) => void;
  /** Called as each batch completes (in any order on workers), e.g. to save it at once. */
  onBatchDone?: (firstIndex: number, vectors: (Float32Array | null)[]) => void;
  signal?: AbortSignal;
}

export interface EmbedError {
  index: number;
  file: string;
  message: string;
}

export interface EmbedResult {
  vectors: (Float32Array | null)[];
  errors: EmbedError[];
  backend: BackendName;
  /** The backbone's id, the key its vectors are cached under. */
  backbone: string;
  /** Images per second from the first batch to the last; model and worker start excluded. */
  imagesPerSecond: number;
  /** Worker threads used; 0 when embedding ran in-process. */
  workers: number;
}

const log = createLogger('ml:embedder');

/** Frees the backbone kept loaded by in-process embedding (unless a run is using it). */
export async function releaseResidentBackbone(): Promise<void> {
  releaseResidentBackbones();
}

function toBatches(files: string[], batchSize: number): string[][] {
  const batches: string[][] = [];
  for (let start = 0; start < files.length; start += batchSize) {
    batches.push(files.slice(start, start + batchSize));
  }
  return batches;
}

// Starting a worker costs 2–4 s here (a TF.js runtime, tsx and a model load per thread), about
// what one wasm thread needs for 60–100 images at 224 px: below this the pool is not worth it.
const MIN_IMAGES_FOR_DEFAULT_POOL = 256;

function workerCount(options: EmbedOptions, runtime: TfRuntime, files: number, batches: number) {
  if (runtime.backend !== 'wasm' || batches < 2) return 0;
  if (options.workers !== undefined) {
    return options.workers > 1 ? Math.min(options.workers, batches) : 0;
  }

  const wanted = env().CURIO_ML_WORKERS ?? os.availableParallelism();
  return wanted > 1 && files >= MIN_IMAGES_FOR_DEFAULT_POOL ? Math.min(wanted, batches) : 0;
}

/** Collects batch results into per-file vectors and errors, reporting progress. */
function collector(files: string[], batchSize: number, options: EmbedOptions) {
  const vectors: (Float32Array | null)[] = new Array<Float32Array | null>(files.length).fill(null);
  const errors: EmbedError[] = [];
  let done = 0;

  const onBatch = (batchIndex: number, result: BatchResult) => {
    const start = batchIndex * batchSize;
    result.vectors.forEach((vector, offset) => (vectors[start + offset] = vector));
    for (const error of result.errors) {
      const index = start + error.offset;
      errors.push({ index, file: files[index] as string, message: error.message });
    }
    done += result.vectors.length;
    options.onBatchDone?.(start, result.vectors);
    options.onProgress?.(done, files.length);
  };
  return { vectors, errors, onBatch };
}

async function runOnWorkers(
  count: number,
  spec: BackboneSpec,
  runtime: TfRuntime,
  run: { batches: string[][]; onBatch: (i: number, r: BatchResult) => void; signal?: AbortSignal },
  resize: ResizePolicy,
): Promise<{ workers: number; durationMs: number } | undefined> {
  try {
    return await embedBatchesOnWorkers(count, { spec, backend: runtime.backend, resize }, run);
  } catch (error) {
    if (!(error instanceof WorkerPoolUnavailableError)) throw error;
    log.warn(`Embedding in-process because worker threads could not start: ${error.message}`);
    return undefined;
  }
}

async function runInProcess(
  spec: BackboneSpec,
  runtime: TfRuntime,
  run: { batches: string[][]; onBatch: (i: number, r: BatchResult) => void; signal?: AbortSignal },
  resize: ResizePolicy,
): Promise<{ workers: number; durationMs: number }> {
  const { backbone, release } = await acquireBackbone(spec, runtime);
  try {
    const startedAt = performance.now();
    await embedBatchesInOrder(backbone, run.batches, run.onBatch, { resize, signal: run.signal });
    return { workers: 0, durationMs: performance.now() - startedAt };
  } finally {
    release();
  }
}

/** Embeds the files in order; a file that cannot be read yields null and an error. */
export async function embedFiles(files: string[], options: EmbedOptions): Promise<EmbedResult> {
  const spec = resolveBackbone(options.backbone);
  const runtime = await initTf();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const batches = toBatches(files, batchSize);
  const resize = options.resize ?? 'squish';
  const { vectors, errors, onBatch } = collector(files, batchSize, options);
  const run = { batches, onBatch, signal: options.signal };

  const count = workerCount(options, runtime, files.length, batches.length);
  const pooled = count > 0 ? await runOnWorkers(count, spec, runtime, run, resize) : undefined;
  const { workers, durationMs } = pooled ?? (await runInProcess(spec, runtime, run, resize));

  const seconds = durationMs / 1000;
  const imagesPerSecond = files.length > 0 && seconds > 0 ? files.length / seconds : 0;
  log.info(
    `Embedded ${files.length} images with ${spec.id} on ${runtime.backend} ` +
      `(${workers} workers) at ${imagesPerSecond.toFixed(1)} images/s; ${errors.length} failed.`,
  );
  errors.sort((a, b) => a.index - b.index);
  return { vectors, errors, backend: runtime.backend, backbone: spec.id, imagesPerSecond, workers };
}
