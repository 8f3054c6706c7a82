import type { Db } from '@/db/client';
import { AppError } from '@/lib/errors';
import {
  FINISHED_STATES,
  getJob,
  markCancelled,
  requestCancel,
  type Job,
} from '@/lib/jobs/job-repo';
import { abortJob } from '@/lib/jobs/run-in-background';
import { getTrainingSupervisor } from './training-supervisor';

/**
 * Cancels a job: a queued one is cancelled at once; a running one is asked to stop (the flag is
 * stored, and the process running it is told), and records itself cancelled when it has.
 */
export function cancelJob(db: Db, jobId: number): Job {
  const job = getJob(db, jobId);
  if (!job) throw new AppError('not_found', `Job ${jobId} not found.`);
  if (FINISHED_STATES.includes(job.state)) {
    throw new AppError(
      'conflict',
      `Job ${jobId} has already ${job.state === 'succeeded' ? 'finished' : job.state === 'failed' ? 'failed' : 'been cancelled'}.`,
    );
  }

  requestCancel(db, jobId);
  if (job.state === 'queued') return markCancelled(db, jobId) ?? job;

  if (job.kind === 'train') getTrainingSupervisor(db).cancel(jobId);
  else abortJob(jobId);
  return getJob(db, jobId) ?? job;
}
