import { and, count, desc, eq, inArray, max } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { annotations, items, jobs, models, predictions } from '@/db/schema';
import type { Job } from '@/lib/jobs/job-repo';

/**
 * The queries of the training domain that the ML and job repositories do not already answer:
 * the training queue, the counts auto-retrain decides on, and clean-up after a dead worker.
 */

/** The oldest queued training job of any collection: the worker runs one training at a time. */
export function nextQueuedTrainingJob(db: Db): Job | undefined {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, 'train'), eq(jobs.state, 'queued')))
    .orderBy(jobs.id)
    .get();
}

/** The queued or running training job of a collection (a partial unique index allows one). */
export function activeTrainingJob(db: Db, collectionId: number): Job | undefined {
  return db
    .select()
    .from(jobs)
    .where(
      and(
        eq(jobs.collectionId, collectionId),
        eq(jobs.kind, 'train'),
        inArray(jobs.state, ['queued', 'running']),
      ),
    )
    .get();
}

export function listTrainingJobs(db: Db, collectionId: number, limit = 20): Job[] {
  return db
    .select()
    .from(jobs)
    .where(and(eq(jobs.collectionId, collectionId), eq(jobs.kind, 'train')))
    .orderBy(desc(jobs.id))
    .limit(limit)
    .all();
}

/** The annotation snapshot of the collection's newest ready model, or null when it has none. */
export function newestReadySnapshot(db: Db, collectionId: number): number | null {
  const row = db
    .select({ snapshot: models.snapshotAnnotationId })
    .from(models)
    .where(and(eq(models.collectionId, collectionId), eq(models.status, 'ready')))
    .orderBy(desc(models.id))
    .get();
  return row?.snapshot ?? null;
}

/**
 * The newest annotation id recorded when an automatic retrain was last requested, so that a
 * retrain that failed is not requested again on every following annotation.
 */
export function lastAutoRetrainMark(db: Db, collectionId: number): number | null {
  const row = db
    .select({ params: jobs.params })
    .from(jobs)
    .where(and(eq(jobs.collectionId, collectionId), eq(jobs.kind, 'train')))
    .orderBy(desc(jobs.id))
    .limit(20)
    .all()
    .find((job) => job.params.reason === 'auto');
  const mark = row?.params.annotationIdAtRequest;
  return typeof mark === 'number' ? mark : null;
}

/**
 * Annotations appended to the collection's items after the given annotation id. CROSS JOIN makes
 * SQLite walk only the annotations newer than the id (a rowid range) rather than every item of
 * the collection: this runs after every save when auto-retrain is on.
 */
export function countAnnotationsSince(db: Db, collectionId: number, afterId: number): number {
  const row = db.$client
    .prepare(
      `select count(*) as n from annotations a cross join items i on i.id = a.item_id
        where a.id > ? and i.collection_id = ?`,
    )
    .get(afterId, collectionId) as { n: number } | undefined;
  return row?.n ?? 0;
}

/** The newest annotation id of the collection (0 when none), recorded with a training request. */
export function newestAnnotationId(db: Db, collectionId: number): number {
  const row = db
    .select({ id: max(annotations.id) })
    .from(annotations)
    .innerJoin(items, eq(items.id, annotations.itemId))
    .where(eq(items.collectionId, collectionId))
    .get();
  return row?.id ?? 0;
}

/** Marks the models a job left in status training as failed (their worker is gone). */
export function failTrainingModelsOfJob(db: Db, jobId: number): number {
  return db
    .update(models)
    .set({ status: 'failed', active: false })
    .where(and(eq(models.jobId, jobId), eq(models.status, 'training')))
    .run().changes;
}

/** Records that the worker of a job is alive. */
export function touchHeartbeat(db: Db, jobId: number, now = Date.now()): void {
  db.update(jobs).set({ heartbeatAt: now }).where(eq(jobs.id, jobId)).run();
}

/** Whether someone asked the job to stop (read by the worker, which runs in another process). */
export function isCancelRequested(db: Db, jobId: number): boolean {
  const row = db
    .select({ cancelRequested: jobs.cancelRequested })
    .from(jobs)
    .where(eq(jobs.id, jobId))
    .get();
  return row?.cancelRequested ?? false;
}

export function countPredictions(db: Db, modelId: number): number {
  const row = db
    .select({ value: count() })
    .from(predictions)
    .where(eq(predictions.modelId, modelId))
    .get();
  return row?.value ?? 0;
}

/**
 * Stores a labeler's new thresholds and re-derives its predicted labels from the stored
 * probabilities, in one transaction, so readers never see thresholds and predictions disagree.
 * Per-label flags are one UPDATE per label; the per-item label lists go through one prepared
 * statement (a drizzle update per row costs about 40x more at 100k items).
 */
export function applyLabelerThresholds(db: Db, modelId: number, thresholds: number[]): number {
  const sqlite = db.$client;
  const updateItem = sqlite.prepare(
    'update predictions set predicted_label_ids = ?, no_label = ? where model_id = ? and item_id = ?',
  );
  const updateLabel = sqlite.prepare(
    'update prediction_scores set predicted = (probability >= ?) where model_id = ? and label_id = ?',
  );

  return db.transaction((tx) => {
    const model = tx.select().from(models).where(eq(models.id, modelId)).get();
    if (!model) throw new Error(`Model ${modelId} does not exist.`);
    tx.update(models).set({ thresholds }).where(eq(models.id, modelId)).run();

    model.labelIds.forEach((labelId, label) =>
      updateLabel.run(thresholds[label], modelId, labelId),
    );
    const rows = tx
      .select({ itemId: predictions.itemId, probabilities: predictions.probabilities })
      .from(predictions)
      .where(eq(predictions.modelId, modelId))
      .all();
    for (const row of rows) {
      const predicted = model.labelIds.filter(
        (_, label) => (row.probabilities[label] ?? 0) >= thresholds[label],
      );
      updateItem.run(
        JSON.stringify(predicted),
        predicted.length === 0 ? 1 : 0,
        modelId,
        row.itemId,
      );
    }
    return rows.length;
  });
}

/** Marks failed every model left in status training (at start-up no run can be alive). */
export function failAllTrainingModels(db: Db): number {
  return db
    .update(models)
    .set({ status: 'failed', active: false })
    .where(eq(models.status, 'training'))
    .run().changes;
}
