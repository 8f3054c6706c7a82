import type { Db } from '@/db/client';
import { getCollection } from '@/lib/collections/collection-repo';
import { isAppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { startTraining } from './training-jobs';
import {
  activeTrainingJob,
  countAnnotationsSince,
  lastAutoRetrainMark,
  newestReadySnapshot,
} from './training-repo';

/**
 * The auto-retrain policy: a collection with `auto_retrain_after` = N retrains both models once
 * N annotations were appended since the snapshot of its newest ready model (or since the last
 * automatic request, so a retrain that failed is not requested again on every annotation).
 */

const log = createLogger('training:auto');

/** What the policy decided, for tests and logs. */
export type AutoRetrainDecision =
  | { started: true; jobId: number; newAnnotations: number }
  | { started: false; reason: 'off' | 'running' | 'too-few' | 'failed'; newAnnotations?: number };

export function decideAutoRetrain(
  db: Db,
  collectionId: number,
  userId: number | null,
): AutoRetrainDecision {
  const collection = getCollection(db, collectionId);
  const threshold = collection?.autoRetrainAfter ?? null;
  if (!collection || threshold === null || threshold <= 0) return { started: false, reason: 'off' };
  if (activeTrainingJob(db, collectionId)) return { started: false, reason: 'running' };

  const since = Math.max(
    newestReadySnapshot(db, collectionId) ?? 0,
    lastAutoRetrainMark(db, collectionId) ?? 0,
  );
  const newAnnotations = countAnnotationsSince(db, collectionId, since);
  if (newAnnotations < threshold) return { started: false, reason: 'too-few', newAnnotations };

  const job = startTraining(db, {
    collectionId,
    kinds: ['classifier', 'labeler'],
    userId,
    reason: 'auto',
  });
  log.info(
    `${newAnnotations} new annotation(s) in "${collection.name}" reached its auto-retrain ` +
      `setting of ${threshold}; queued training job ${job.id}.`,
  );
  return { started: true, jobId: job.id, newAnnotations };
}

/**
 * Call after annotations were saved. Starts a retrain when the collection's policy says so.
 * Never throws: annotating must not fail because a retrain could not be queued.
 */
export function afterAnnotationsSaved(db: Db, collectionId: number, userId: number | null): void {
  try {
    decideAutoRetrain(db, collectionId, userId);
  } catch (error) {
    if (isAppError(error) && error.code === 'conflict') return;
    log.error(`Could not check the auto-retrain policy of collection ${collectionId}.`, { error });
  }
}
