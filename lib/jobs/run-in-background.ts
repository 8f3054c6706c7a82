import type { Db } from '@/db/client';
import { isAppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { fail, markCancelled, markRunning, succeed, updateProgress } from './job-repo';

/**
 * Runs a job's work inside this process after the caller has answered its request. The job row
 * records each state change, throttled progress and the result or the error. A server restart
 * loses the work; the start-up bootstrap then marks the orphaned row failed.
 */

const log = createLogger('jobs');

/** Progress is written at most this often so that a fast import does not hammer SQLite. */
export const PROGRESS_INTERVAL_MS = 500;

export const STOPPED_SERVER_REASON = 'the server stopped while it was running';

export interface JobContext {
  signal: AbortSignal;
  /** Reports progress; writes are throttled, except the final one (done === total). */
  progress(progress: { done: number; total: number } & Record<string, unknown>): void;
}

/** What a job returns: its result, and whether it stopped early because it was cancelled. */
export interface JobOutcome {
  result: Record<string, unknown>;
  cancelled?: boolean;
}

// Kept on globalThis so that Next's dev reloads still find the controllers of running jobs.
const globalForJobs = globalThis as typeof globalThis & {
  curioJobControllers?: Map<number, AbortController>;
};
const controllers = (globalForJobs.curioJobControllers ??= new Map());

/** Asks a job running in this process to stop; returns false when none is running here. */
export function abortJob(jobId: number): boolean {
  const controller = controllers.get(jobId);
  controller?.abort(new Error('The job was cancelled.'));
  return controller !== undefined;
}

function errorText(error: unknown): string {
  if (isAppError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs the work to completion, recording its states. Resolves when the job row is final. */
export async function runJob(
  db: Db,
  jobId: number,
  work: (context: JobContext) => Promise<JobOutcome>,
): Promise<void> {
  const controller = new AbortController();
  controllers.set(jobId, controller);
  let lastWriteMs = 0;

  const context: JobContext = {
    signal: controller.signal,
    progress(progress) {
      const now = Date.now();
      if (progress.done < progress.total && now - lastWriteMs < PROGRESS_INTERVAL_MS) return;
      lastWriteMs = now;
      updateProgress(db, jobId, progress, now);
    },
  };

  try {
    markRunning(db, jobId);
    log.info(`Job ${jobId} started.`);

    const outcome = await work(context);

    if (outcome.cancelled) {
      markCancelled(db, jobId, outcome.result);
      log.info(`Job ${jobId} was cancelled.`);
    } else {
      succeed(db, jobId, outcome.result);
      log.info(`Job ${jobId} succeeded.`);
    }
  } catch (error) {
    log.error(`Job ${jobId} failed.`, { error });
    fail(db, jobId, errorText(error));
  } finally {
    controllers.delete(jobId);
  }
}

/**
 * Starts the work on a later turn of the event loop and returns at once, so a route handler can
 * answer 202 while the job runs. Failures are recorded on the job, never thrown at the caller.
 */
export function runInBackground(
  db: Db,
  jobId: number,
  work: (context: JobContext) => Promise<JobOutcome>,
): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve)).then(() => runJob(db, jobId, work));
}
