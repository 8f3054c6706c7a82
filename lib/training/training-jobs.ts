import type { Db } from '@/db/client';
import type { ModelKind } from '@/db/schema';
import { getCollection } from '@/lib/collections/collection-repo';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { createJob, type Job } from '@/lib/jobs/job-repo';
import { createLogger } from '@/lib/log';
import { activeTrainingJob, listTrainingJobs, newestAnnotationId } from './training-repo';
import type { TrainingOptions, TrainingParams, TrainingReason } from './training-request';
import { getTrainingSupervisor } from './training-supervisor';

/**
 * Training requests become `train` jobs. The job row is the queue: the supervisor hands queued
 * jobs one at a time to a worker process, so a request only writes a row and returns.
 */

const log = createLogger('training');

export interface StartTrainingInput {
  collectionId: number;
  kinds: ModelKind[];
  userId: number | null;
  reason: TrainingReason;
  options?: TrainingOptions;
}

function isActiveTrainUniqueViolation(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes('jobs.collection_id')
  );
}

/**
 * Queues a training job for the collection and wakes the worker. Throws AppError conflict when
 * the collection already has a queued or running training job.
 */
export function startTraining(db: Db, input: StartTrainingInput): Job {
  const collection = getCollection(db, input.collectionId);
  if (!collection) throw new AppError('not_found', `Collection ${input.collectionId} not found.`);

  const params: TrainingParams = {
    kinds: [...new Set(input.kinds)],
    options: input.options ?? {},
    reason: input.reason,
    backbone: env().CURIO_BACKBONE,
    annotationIdAtRequest: newestAnnotationId(db, collection.id),
  };

  let job: Job;
  try {
    job = createJob(db, {
      kind: 'train',
      collectionId: collection.id,
      params,
      createdBy: input.userId,
    });
  } catch (error) {
    if (!isActiveTrainUniqueViolation(error)) throw error;
    throw new AppError(
      'conflict',
      `A training job is already running for "${collection.name}"; wait for it or cancel it.`,
    );
  }

  log.info(
    `Queued training job ${job.id} (${params.kinds.join(' and ')}) for "${collection.name}", ` +
      `reason ${input.reason}.`,
  );
  getTrainingSupervisor(db).wake();
  return job;
}

export interface TrainingStatus {
  /** The queued or running job, if any. */
  active: Job | null;
  /** The newest training jobs, newest first (the active one included). */
  recent: Job[];
}

export function getTrainingStatus(db: Db, collectionId: number): TrainingStatus {
  return {
    active: activeTrainingJob(db, collectionId) ?? null,
    recent: listTrainingJobs(db, collectionId),
  };
}
