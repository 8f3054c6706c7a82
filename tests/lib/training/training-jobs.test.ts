import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAnnotations } from '@/lib/annotation/annotation-repo';
import { updateCollection } from '@/lib/collections/collection-repo';
import { isAppError } from '@/lib/errors';
import { getJob, listJobEvents, succeed } from '@/lib/jobs/job-repo';
import { afterAnnotationsSaved, decideAutoRetrain } from '@/lib/training/auto-retrain';
import { getTrainingStatus, startTraining } from '@/lib/training/training-jobs';
import { setTrainingSupervisor, TrainingSupervisor } from '@/lib/training/training-supervisor';
import { createTestDatabase, type TestDatabase } from '@/tests/helpers/db';
import { makeCollection, makeItem } from '@/tests/helpers/factories';

describe('training jobs', () => {
  let database: TestDatabase;

  beforeEach(() => {
    database = createTestDatabase();
    // A paused supervisor keeps the queue in the database without starting worker processes.
    const supervisor = new TrainingSupervisor(database.db, { dataDir: database.dir });
    supervisor.pause();
    setTrainingSupervisor(supervisor);
  });

  afterEach(() => {
    setTrainingSupervisor(undefined);
    database.close();
  });

  function annotate(collectionId: number, labelId: number, count: number): void {
    const itemIds = Array.from({ length: count }, () => makeItem(database.db, collectionId).id);
    appendAnnotations(
      database.db,
      itemIds.map((itemId) => ({
        itemId,
        userId: null,
        labelIds: [labelId],
        none: false,
        source: 'human' as const,
      })),
    );
  }

  it('queues a train job that records the kinds, reason and annotation snapshot', () => {
    const { collection, labels } = makeCollection(database.db);
    annotate(collection.id, labels[0].id, 3);

    const job = startTraining(database.db, {
      collectionId: collection.id,
      kinds: ['labeler', 'labeler'],
      userId: null,
      reason: 'manual',
      options: { epochs: 5 },
    });

    expect(job).toMatchObject({ kind: 'train', state: 'queued', collectionId: collection.id });
    expect(job.params).toMatchObject({
      kinds: ['labeler'],
      reason: 'manual',
      options: { epochs: 5 },
    });
    expect(job.params.annotationIdAtRequest).toBeGreaterThan(0);
    expect(listJobEvents(database.db, job.id).map((event) => event.data.state)).toEqual(['queued']);
    expect(getTrainingStatus(database.db, collection.id).active?.id).toBe(job.id);
  });

  it('refuses a second training job for a collection while one is queued, as a conflict', () => {
    const { collection } = makeCollection(database.db);
    const input = {
      collectionId: collection.id,
      kinds: ['classifier' as const],
      userId: null,
      reason: 'manual' as const,
    };
    startTraining(database.db, input);

    let caught: unknown;
    try {
      startTraining(database.db, input);
    } catch (error) {
      caught = error;
    }

    expect(isAppError(caught) && caught.code).toBe('conflict');
    expect(getTrainingStatus(database.db, collection.id).recent).toHaveLength(1);
  });

  it('queues another collection’s training beside a running one', () => {
    const first = makeCollection(database.db).collection;
    const second = makeCollection(database.db).collection;
    startTraining(database.db, {
      collectionId: first.id,
      kinds: ['classifier'],
      userId: null,
      reason: 'manual',
    });

    const job = startTraining(database.db, {
      collectionId: second.id,
      kinds: ['classifier'],
      userId: null,
      reason: 'review',
    });

    expect(job.state).toBe('queued');
  });

  describe('auto-retrain', () => {
    it('does nothing while the policy is off', () => {
      const { collection, labels } = makeCollection(database.db);
      annotate(collection.id, labels[0].id, 10);

      expect(decideAutoRetrain(database.db, collection.id, null)).toEqual({
        started: false,
        reason: 'off',
      });
    });

    it('starts a retrain once N annotations were added, and not again for the same annotations', () => {
      const { collection, labels } = makeCollection(database.db);
      updateCollection(database.db, collection.id, { autoRetrainAfter: 5 });
      annotate(collection.id, labels[0].id, 4);
      expect(decideAutoRetrain(database.db, collection.id, null)).toMatchObject({
        started: false,
        reason: 'too-few',
        newAnnotations: 4,
      });

      annotate(collection.id, labels[1].id, 1);
      const decision = decideAutoRetrain(database.db, collection.id, null);
      expect(decision).toMatchObject({ started: true, newAnnotations: 5 });
      expect(decideAutoRetrain(database.db, collection.id, null)).toMatchObject({
        reason: 'running',
      });

      // The automatic run ended (here: recorded as done without a model); the same five
      // annotations do not trigger it again.
      if (decision.started) succeed(database.db, decision.jobId, {});
      expect(decideAutoRetrain(database.db, collection.id, null)).toMatchObject({
        started: false,
        reason: 'too-few',
        newAnnotations: 0,
      });
    });

    it('afterAnnotationsSaved never throws, even for a collection that does not exist', () => {
      expect(() => afterAnnotationsSaved(database.db, 999_999, null)).not.toThrow();
    });

    it('afterAnnotationsSaved queues the job when the policy says so', () => {
      const { collection, labels } = makeCollection(database.db);
      updateCollection(database.db, collection.id, { autoRetrainAfter: 2 });
      annotate(collection.id, labels[0].id, 2);

      afterAnnotationsSaved(database.db, collection.id, null);

      const active = getTrainingStatus(database.db, collection.id).active;
      expect(active?.params.reason).toBe('auto');
      expect(getJob(database.db, active?.id ?? 0)?.state).toBe('queued');
    });
  });
});
