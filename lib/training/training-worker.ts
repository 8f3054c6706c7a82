import path from 'node:path';
import { DATABASE_FILE_NAME, openDatabase } from '@/db/client';
import { env } from '@/lib/env';
import { abortJob } from '@/lib/jobs/run-in-background';
import { createLogger } from '@/lib/log';
import { runTrainingJob } from './run-training-job';
import { isCancelRequested, touchHeartbeat } from './training-repo';
import { toWorkerSchema } from './worker-protocol';

/**
 * Entry of the training worker process, started by the supervisor as
 * `node --import tsx training-worker.ts <jobId>`: runs one job, beating a heartbeat into the job
 * row while it works, then exits. It stops at once when the server that started it goes away.
 */

const HEARTBEAT_INTERVAL_MS = 2000;
const log = createLogger('training:worker');

async function main(): Promise<number> {
  const jobId = Number(process.argv[2]);
  if (!Number.isInteger(jobId) || jobId <= 0) {
    log.error(`The training worker needs a job id; got "${process.argv[2]}".`);
    return 2;
  }

  // The server has migrated the database; the worker only opens it.
  const dataDir = env().dataDir;
  const db = openDatabase(path.join(dataDir, DATABASE_FILE_NAME));

  process.on('message', (raw) => {
    if (toWorkerSchema.safeParse(raw).success) abortJob(jobId);
  });
  process.on('disconnect', () => {
    log.warn(`The server went away; training job ${jobId} stops.`);
    process.exit(3);
  });
  const heartbeat = setInterval(() => {
    touchHeartbeat(db, jobId);
    if (isCancelRequested(db, jobId)) abortJob(jobId);
  }, HEARTBEAT_INTERVAL_MS);

  try {
    await runTrainingJob({ db, jobId, dataDir });
    return 0;
  } finally {
    clearInterval(heartbeat);
    db.$client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log.error('The training worker crashed.', { error });
    process.exit(1);
  },
);
