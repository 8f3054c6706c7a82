import * as tf from '@tensorflow/tfjs';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { nodeRequire } from './node-require';

/**
 * Chooses the TensorFlow.js backend once per process (or worker thread). Everyone uses the one
 * `@tensorflow/tfjs` instance: the optional node packages register their backend on it when they
 * load, and the wasm package registers "wasm" on import.
 */

export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export type Tf = typeof tf;

export interface BackendAttempt {
  backend: BackendName;
  ok: boolean;
  reason?: string;
}

export interface TfRuntime {
  tf: Tf;
  backend: BackendName;
  attempts: BackendAttempt[];
}

/** One way to bring a backend up: loads its package and activates it, or throws saying why. */
export interface BackendCandidate {
  backend: BackendName;
  load(): Promise<void>;
}

const log = createLogger('ml:backend');

/** The tfjs registry name each of our backend names ends up as. */
const TF_REGISTRY_NAME: Record<BackendName, string> = {
  'node-gpu': 'tensorflow',
  node: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

async function activate(backend: BackendName): Promise<void> {
  const registryName = TF_REGISTRY_NAME[backend];
  // setBackend resolves false (it does not throw) when the backend fails to initialise.
  const ok = await tf.setBackend(registryName);
  if (!ok || tf.getBackend() !== registryName) {
    throw new Error(`tf.setBackend('${registryName}') did not take effect.`);
  }
  await tf.ready();
}

async function loadNodePackage(packageName: string, backend: BackendName): Promise<void> {
  // Loading can fail in many ways besides MODULE_NOT_FOUND (a missing native addon, a libc or
  // CUDA mismatch); the caller records whatever is thrown and moves on.
  nodeRequire()(packageName);
  await activate(backend);
}

async function loadWasm(): Promise<void> {
  await import('@tensorflow/tfjs-backend-wasm');
  await activate('wasm');
}

/** The real loaders, in preference order. */
export function defaultCandidates(): BackendCandidate[] {
  return [
    { backend: 'node-gpu', load: () => loadNodePackage('@tensorflow/tfjs-node-gpu', 'node-gpu') },
    { backend: 'node', load: () => loadNodePackage('@tensorflow/tfjs-node', 'node') },
    { backend: 'wasm', load: loadWasm },
    { backend: 'cpu', load: () => activate('cpu') },
  ];
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}

/**
 * Tries each candidate in order and keeps the first that loads. Every failure is recorded with
 * its reason; when none loads, the error lists them all.
 */
export async function selectBackend(candidates: BackendCandidate[]): Promise<TfRuntime> {
  const attempts: BackendAttempt[] = [];

  for (const candidate of candidates) {
    try {
      await candidate.load();
      attempts.push({ backend: candidate.backend, ok: true });
      return { tf, backend: candidate.backend, attempts };
    } catch (error) {
      attempts.push({ backend: candidate.backend, ok: false, reason: describeError(error) });
    }
  }

  const reasons = attempts.map((a) => `${a.backend}: ${a.reason ?? 'unknown'}`).join('; ');
  throw new AppError('unavailable', `No TensorFlow.js backend could be started (${reasons}).`);
}

/** The candidates allowed by a CURIO_ML_BACKEND setting: all of them, or only the forced one. */
export function candidatesFor(setting: BackendName | 'auto'): BackendCandidate[] {
  const all = defaultCandidates();
  return setting === 'auto' ? all : all.filter((candidate) => candidate.backend === setting);
}

function logChoice(runtime: TfRuntime): void {
  const failed = runtime.attempts
    .filter((attempt) => !attempt.ok)
    .map((attempt) => `${attempt.backend} (${attempt.reason ?? 'unknown'})`);
  const why = failed.length > 0 ? ` after ${failed.join(', ')} failed to load` : '';
  log.info(`TensorFlow.js uses the ${runtime.backend} backend${why}.`);
}

let runtimePromise: Promise<TfRuntime> | undefined;

/** The process-wide TF.js runtime, started on first use with the configured backend policy. */
export function initTf(): Promise<TfRuntime> {
  runtimePromise ??= startRuntime();
  return runtimePromise;
}

async function startRuntime(): Promise<TfRuntime> {
  const setting = env().CURIO_ML_BACKEND;

  try {
    const runtime = await selectBackend(candidatesFor(setting));
    logChoice(runtime);
    return runtime;
  } catch (error) {
    // Forget the failure so that a later call (say, after the admin fixes the config) retries.
    runtimePromise = undefined;
    if (setting !== 'auto') {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AppError(
        'unavailable',
        `CURIO_ML_BACKEND forces the ${setting} backend, which could not be started: ${reason}`,
      );
    }
    throw error;
  }
}
