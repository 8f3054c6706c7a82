import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAnnotations } from '@/lib/annotation/annotation-repo';
import { resetEnvForTests } from '@/lib/env';
import { getJob, listJobEvents, type Job } from '@/lib/jobs/job-repo';
import { eq } from 'drizzle-orm';
import { predictions } from '@/db/schema';
import { getActiveModel, getModel, listModels } from '@/lib/ml/model-repo';
import { listPredictions } from '@/lib/ml/prediction-repo';
import { trainCollection } from '@/lib/ml/train-collection';
import { rollBackTo } from '@/lib/training/model-registry';
import { cancelJob } from '@/lib/training/cancel-job';
import { startTraining } from '@/lib/training/training-jobs';
import { setTrainingSupervisor, TrainingSupervisor } from '@/lib/training/training-supervisor';
import { createTestDatabase, type TestDatabase } from '@/tests/helpers/db';
import { makeCollection, makeItem } from '@/tests/helpers/factories';
import { listFixtureImages } from '@/tests/helpers/image-fixtures';

/**
 * The worker process for real: the supervisor forks `training-worker.ts` under tsx, which
 * embeds the fixture images with MobileNetV2 at 96 px, trains both heads and activates them.
 * Then a second run's worker is killed mid-job.
 */

const ANNOTATED_PER_CLASS = 5;
const WAIT_LIMIT_MS = 240_000;

async function waitFor<T>(read: () => T | undefined, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting for the training worker.');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

describe('the training worker process', () => {
  let database: TestDatabase;
  let collectionId: number;
  let supervisor: TrainingSupervisor;

  beforeAll(() => {
    process.env.CURIO_BACKBONE = 'mobilenet-v2@96';
    resetEnvForTests();
    database = createTestDatabase();
    const images = listFixtureImages();
    const classNames = [...new Set(images.map((image) => image.className))];
    const made = makeCollection(database.db, classNames);
    collectionId = made.collection.id;

    fs.mkdirSync(path.join(database.dir, 'items'), { recursive: true });
    const annotations = images.flatMap((image) => {
      const filePath = path.join('items', path.basename(image.file));
      fs.copyFileSync(image.file, path.join(database.dir, filePath));
      const item = makeItem(database.db, collectionId, { filePath });
      const index = classNames.indexOf(image.className);
      const rank = images.filter((other) => other.className === image.className).indexOf(image);
      return rank < ANNOTATED_PER_CLASS
        ? [
            {
              itemId: item.id,
              userId: null,
              labelIds: [made.labels[index].id],
              none: false,
              source: 'human' as const,
            },
          ]
        : [];
    });
    appendAnnotations(database.db, annotations);

    supervisor = new TrainingSupervisor(database.db, { dataDir: database.dir });
    setTrainingSupervisor(supervisor);
  });

  afterAll(() => {
    setTrainingSupervisor(undefined);
    database.close();
    delete process.env.CURIO_BACKBONE;
    resetEnvForTests();
  });

  function finished(jobId: number): Job | undefined {
    const job = getJob(database.db, jobId);
    return job && ['succeeded', 'failed', 'cancelled'].includes(job.state) ? job : undefined;
  }

  it('trains both kinds in a worker, records progress events and activates the models', async () => {
    const job = startTraining(database.db, {
      collectionId,
      kinds: ['classifier', 'labeler'],
      userId: null,
      reason: 'manual',
      options: { epochs: 30 },
    });

    const done = await waitFor(() => finished(job.id), 200);

    expect(done.error).toBeNull();
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({ backend: expect.any(String) });
    const stages = listJobEvents(database.db, job.id).map(
      (event) => event.data.stage ?? event.data.state,
    );
    expect(stages).toEqual(
      expect.arrayContaining(['running', 'embed', 'train', 'ready', 'succeeded']),
    );
    for (const kind of ['classifier', 'labeler'] as const) {
      expect(getActiveModel(database.db, collectionId, kind)).toMatchObject({
        status: 'ready',
        jobId: job.id,
        backbone: 'mobilenet-v2@96',
      });
    }
  });

  it('marks the job failed when its worker is killed mid-job, and the previous models stay active', async () => {
    const before = getActiveModel(database.db, collectionId, 'classifier');
    const job = startTraining(database.db, {
      collectionId,
      kinds: ['classifier', 'labeler'],
      userId: null,
      reason: 'manual',
    });
    const running = await waitFor(() =>
      getJob(database.db, job.id)?.state === 'running' ? supervisor.current() : undefined,
    );

    process.kill(running?.pid ?? 0, 'SIGKILL');
    const done = await waitFor(() => finished(job.id), 100);

    expect(done.state).toBe('failed');
    expect(done.error).toContain('SIGKILL');
    expect(getActiveModel(database.db, collectionId, 'classifier')?.id).toBe(before?.id);
    expect(
      listModels(database.db, collectionId).filter((model) => model.status === 'training'),
    ).toEqual([]);
  });

  it('stops a running job when it is cancelled and records it cancelled', async () => {
    const before = getActiveModel(database.db, collectionId, 'labeler');
    const job = startTraining(database.db, {
      collectionId,
      kinds: ['labeler'],
      userId: null,
      reason: 'manual',
    });
    await waitFor(() => (getJob(database.db, job.id)?.state === 'running' ? true : undefined));

    cancelJob(database.db, job.id);
    const done = await waitFor(() => finished(job.id), 100);

    expect(done.state).toBe('cancelled');
    expect(getActiveModel(database.db, collectionId, 'labeler')?.id).toBe(before?.id);
    await supervisor.whenIdle();
    expect(supervisor.current()).toBeNull();
  });

  it('rolls back to an earlier classifier, re-scoring it first when its predictions were removed', async () => {
    const earlier = getActiveModel(database.db, collectionId, 'classifier');
    const [newer] = await trainCollection({
      db: database.db,
      dataDir: database.dir,
      collectionId,
      kinds: ['classifier'],
      backbone: 'mobilenet-v2@96',
      options: { head: { epochs: 10 } },
    });
    expect(getActiveModel(database.db, collectionId, 'classifier')?.id).toBe(newer.modelId);
    database.db
      .delete(predictions)
      .where(eq(predictions.modelId, earlier?.id ?? 0))
      .run();

    await rollBackTo(database.db, database.dir, earlier?.id ?? 0);

    expect(getActiveModel(database.db, collectionId, 'classifier')?.id).toBe(earlier?.id);
    expect(listPredictions(database.db, earlier?.id ?? 0)).toHaveLength(24);
    expect(getModel(database.db, newer.modelId)).toMatchObject({ status: 'ready', active: false });
  });
});
