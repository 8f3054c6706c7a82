import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '@/db/client';
import { env } from '@/lib/env';
import { fail, FINISHED_STATES, getJob } from '@/lib/jobs/job-repo';
import { createLogger } from '@/lib/log';
import { failTrainingModelsOfJob, nextQueuedTrainingJob } from './training-repo';
import { toWorkerSchema, type ToWorker } from './worker-protocol';

/**
 * Runs training jobs in a child process, one at a time for the whole server (two cores cannot
 * train two models usefully at once), taking the oldest queued job next. A child process rather
 * than a worker thread: TF.js and its WASM memory die with it, a crash cannot take the web server
 * down, and a hung run can be killed. The supervisor notices a worker that exits before its job
 * is final, or stops sending heartbeats, and marks the job failed with the reason; the models the
 * run had started are marked failed, so the previous active model keeps serving.
 */

const log = createLogger('training:supervisor');

const WORKER_FILE = 'training-worker.ts';
/** A worker whose job shows no heartbeat for this long is considered hung and killed. */
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 120_000;

export interface SupervisorOptions {
  /** The data directory the worker opens; the server's own by default. */
  dataDir?: string;
  heartbeatTimeoutMs?: number;
  /** Extra environment for the worker (tests choose a small backbone this way). */
  workerEnv?: Record<string, string>;
}

interface RunningWorker {
  jobId: number;
  child: ChildProcess;
  /** Why the supervisor itself stopped the worker, if it did. */
  killReason: string | null;
}

/** The worker entry: beside this module, or in the source tree when this module is bundled. */
export function trainingWorkerFile(): string {
  const candidates = [
    path.join(path.dirname(fileURLToPath(import.meta.url)), WORKER_FILE),
    path.join(process.cwd(), 'lib', 'training', WORKER_FILE),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found)
    throw new Error(`The training worker was not found; looked in ${candidates.join(', ')}.`);
  return found;
}

export class TrainingSupervisor {
  private running: RunningWorker | null = null;
  private paused = false;
  private readonly watchdog: NodeJS.Timeout;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly options: SupervisorOptions = {},
  ) {
    const timeoutMs = options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
    this.watchdog = setInterval(() => this.checkHeartbeat(timeoutMs), Math.max(250, timeoutMs / 4));
    this.watchdog.unref();
  }

  usesDatabase(db: Db): boolean {
    return this.db === db;
  }

  /** Starts the next queued job if no worker is busy. Safe to call at any time. */
  wake(): void {
    if (this.paused || this.running) return;
    const job = nextQueuedTrainingJob(this.db);
    if (!job) {
      this.notifyIdle();
      return;
    }

    try {
      this.running = this.spawn(job.id);
    } catch (error) {
      log.error(`The training worker for job ${job.id} could not start.`, { error });
      fail(this.db, job.id, 'the training worker could not start');
      setImmediate(() => this.wake());
    }
  }

  /** Stops taking queued jobs (a running one continues). Tests and shutdown use it. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  /** The job and process id of the busy worker, if any. */
  current(): { jobId: number; pid: number | undefined } | null {
    return this.running ? { jobId: this.running.jobId, pid: this.running.child.pid } : null;
  }

  /** Asks the worker running the job to stop; false when this supervisor is not running it. */
  cancel(jobId: number): boolean {
    if (this.running?.jobId !== jobId) return false;
    this.send(this.running.child, { type: 'cancel' });
    return true;
  }

  /** Resolves once no worker runs and no job is queued (or the supervisor is paused). */
  whenIdle(): Promise<void> {
    if (!this.running && (this.paused || !nextQueuedTrainingJob(this.db))) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Kills a running worker and stops the watchdog. */
  stop(): void {
    this.paused = true;
    clearInterval(this.watchdog);
    if (this.running) {
      this.running.killReason = 'the server stopped while it was running';
      this.running.child.kill('SIGKILL');
    }
  }

  private spawn(jobId: number): RunningWorker {
    const dataDir = this.options.dataDir ?? env().dataDir;
    // tsx runs the TypeScript sources, as in the CLI; the worker needs no bundle of its own.
    const child = fork(trainingWorkerFile(), [String(jobId)], {
      cwd: process.cwd(),
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...this.options.workerEnv, CURIO_DATA_DIR: dataDir },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker: RunningWorker = { jobId, child, killReason: null };
    log.info(`Started training worker ${child.pid} for job ${jobId}.`);

    child.on('error', (error) => log.error(`Training worker for job ${jobId} errored.`, { error }));
    child.once('exit', (code, signal) => this.onExit(worker, code, signal));
    return worker;
  }

  private send(child: ChildProcess, message: ToWorker): void {
    if (child.connected) child.send(toWorkerSchema.parse(message));
  }

  private onExit(worker: RunningWorker, code: number | null, signal: NodeJS.Signals | null): void {
    const job = getJob(this.db, worker.jobId);
    if (job && !FINISHED_STATES.includes(job.state)) {
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const reason = worker.killReason ?? `the training worker ${how} before the job finished`;
      fail(this.db, worker.jobId, reason);
      log.warn(`Training job ${worker.jobId} failed: ${reason}.`);
    }
    const orphaned = failTrainingModelsOfJob(this.db, worker.jobId);
    if (orphaned > 0)
      log.warn(`Marked ${orphaned} half-trained model(s) of job ${worker.jobId} failed.`);

    if (this.running === worker) this.running = null;
    setImmediate(() => this.wake());
  }

  private checkHeartbeat(timeoutMs: number): void {
    const worker = this.running;
    if (!worker || worker.killReason) return;
    const job = getJob(this.db, worker.jobId);
    if (!job) return;

    const lastSign = job.heartbeatAt ?? job.startedAt ?? job.createdAt;
    if (Date.now() - lastSign <= timeoutMs) return;
    worker.killReason = `the training worker sent no heartbeat for ${Math.round(timeoutMs / 1000)} s`;
    log.warn(`Killing training worker ${worker.child.pid}: ${worker.killReason}.`);
    worker.child.kill('SIGKILL');
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

// Kept on globalThis so that Next's dev reloads and separately bundled routes share one worker.
const globalForTraining = globalThis as typeof globalThis & {
  curioTrainingSupervisor?: TrainingSupervisor;
};

/** The process-wide supervisor, created on first use with the given database. */
export function getTrainingSupervisor(db: Db): TrainingSupervisor {
  const existing = globalForTraining.curioTrainingSupervisor;
  // A new connection (tests and the CLI reopen the database) gets a new supervisor once the old
  // one has no worker to watch.
  if (existing && (existing.usesDatabase(db) || existing.current())) return existing;
  existing?.stop();
  globalForTraining.curioTrainingSupervisor = new TrainingSupervisor(db);
  return globalForTraining.curioTrainingSupervisor;
}

/** Replaces the process-wide supervisor (tests point it at their own database). */
export function setTrainingSupervisor(supervisor: TrainingSupervisor | undefined): void {
  globalForTraining.curioTrainingSupervisor?.stop();
  globalForTraining.curioTrainingSupervisor = supervisor;
}
