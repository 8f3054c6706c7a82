import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAnnotations } from '@/lib/annotation/annotation-repo';
import type { Label } from '@/lib/collections/collection-repo';
import { readCard } from '@/lib/ml/artifacts';
import { getActiveModel, getModel, listModels } from '@/lib/ml/model-repo';
import { countPredictionScores, listPredictions } from '@/lib/ml/prediction-repo';
import { scoreCollection } from '@/lib/ml/score-collection';
import { trainCollection } from '@/lib/ml/train-collection';
import { createTestDatabase, type TestDatabase } from '@/tests/helpers/db';
import { makeCollection, makeItem } from '@/tests/helpers/factories';
import { listFixtureImages } from '@/tests/helpers/image-fixtures';

const ANNOTATED_PER_CLASS = 6;
const QUICK = { head: { epochs: 60, learningRate: 0.01, batchSize: 8 }, seed: 5 };

describe('trainCollection on a real database', () => {
  let database: TestDatabase;
  let collectionId: number;
  let labels: Label[];
  const itemsByClass = new Map<string, number[]>();

  beforeAll(async () => {
    database = createTestDatabase();
    const images = listFixtureImages();
    const classNames = [...new Set(images.map((image) => image.className))];
    ({
      collection: { id: collectionId },
      labels,
    } = makeCollection(database.db, classNames));

    for (const image of images) {
      const filePath = path.join('items', path.basename(image.file));
      fs.mkdirSync(path.join(database.dir, 'items'), { recursive: true });
      fs.copyFileSync(image.file, path.join(database.dir, filePath));
      const item = makeItem(database.db, collectionId, { filePath });
      itemsByClass.set(image.className, [...(itemsByClass.get(image.className) ?? []), item.id]);
    }

    const annotations = classNames.flatMap((className, index) =>
      (itemsByClass.get(className) ?? []).slice(0, ANNOTATED_PER_CLASS).map((itemId) => ({
        itemId,
        userId: null,
        labelIds: [labels[index].id],
        none: false,
        source: 'human' as const,
      })),
    );
    appendAnnotations(database.db, annotations);
  });

  afterAll(() => database.close());

  it('writes a ready, active model per kind with artifacts and a prediction for every item', async () => {
    const results = await trainCollection({
      db: database.db,
      dataDir: database.dir,
      collectionId,
      kinds: ['classifier', 'labeler'],
      backbone: 'mobilenet-v2',
      options: QUICK,
    });

    expect(results.map((result) => result.kind)).toEqual(['classifier', 'labeler']);
    for (const result of results) {
      const row = getModel(database.db, result.modelId);
      expect(row).toMatchObject({ status: 'ready', active: true, backbone: 'mobilenet-v2' });
      expect(row?.snapshotAnnotationId).toBeGreaterThan(0);
      const card = await readCard(path.join(database.dir, row?.artifactPath ?? 'missing'));
      expect(card.trainCount + card.validationCount).toBe(3 * ANNOTATED_PER_CLASS);
      expect(listPredictions(database.db, result.modelId)).toHaveLength(24);
      expect(countPredictionScores(database.db, result.modelId)).toBe(24 * 3);
    }

    // The classifier names the photograph of crops nobody annotated.
    const classifier = results[0];
    const predictions = new Map(
      listPredictions(database.db, classifier.modelId).map((p) => [p.itemId, p.topLabelId]),
    );
    let correct = 0;
    [...itemsByClass.values()].forEach((itemIds, index) =>
      itemIds
        .slice(ANNOTATED_PER_CLASS)
        .forEach((itemId) => (correct += predictions.get(itemId) === labels[index].id ? 1 : 0)),
    );
    expect(correct).toBeGreaterThanOrEqual(5);
  }, 180_000);

  it('marks a failed run failed and leaves the previous model active', async () => {
    const before = getActiveModel(database.db, collectionId, 'labeler');
    const controller = new AbortController();
    controller.abort();

    await expect(
      trainCollection({
        db: database.db,
        dataDir: database.dir,
        collectionId,
        kinds: ['labeler'],
        backbone: 'mobilenet-v2',
        options: QUICK,
        signal: controller.signal,
      }),
    ).rejects.toThrow();

    const newest = listModels(database.db, collectionId)[0];
    expect(newest).toMatchObject({ kind: 'labeler', status: 'failed', active: false });
    expect(getActiveModel(database.db, collectionId, 'labeler')?.id).toBe(before?.id);
  });

  it('re-scores with the saved active models, including items added after training', async () => {
    const source = listFixtureImages()[0];
    const filePath = path.join('items', 'added-later.jpg');
    fs.copyFileSync(source.file, path.join(database.dir, filePath));
    const added = makeItem(database.db, collectionId, { filePath });
    const classifier = getActiveModel(database.db, collectionId, 'classifier');
    const before = new Map(
      listPredictions(database.db, classifier?.id ?? 0).map((p) => [p.itemId, p.probabilities]),
    );

    const results = await scoreCollection({ db: database.db, dataDir: database.dir, collectionId });

    expect(results.map((result) => [result.kind, result.scoredItems])).toEqual([
      ['classifier', 25],
      ['labeler', 25],
    ]);
    const after = listPredictions(database.db, classifier?.id ?? 0);
    expect(after.find((p) => p.itemId === added.id)?.topLabelId).toBe(labels[0].id);
    for (const prediction of after.filter((p) => p.itemId !== added.id)) {
      prediction.probabilities.forEach((value, index) =>
        expect(value).toBeCloseTo(before.get(prediction.itemId)?.[index] ?? -1, 5),
      );
    }
  });
});
