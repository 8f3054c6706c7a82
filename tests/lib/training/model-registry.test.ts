import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { predictionScores } from '@/db/schema';
import { activateReadyModel, createTrainingModel } from '@/lib/ml/model-repo';
import { listPredictions, replacePredictions } from '@/lib/ml/prediction-repo';
import type { ScoreResult } from '@/lib/ml/scoring';
import { setLabelerThresholds } from '@/lib/training/model-registry';
import { createTestDatabase, type TestDatabase } from '@/tests/helpers/db';
import { makeCollection, makeItem } from '@/tests/helpers/factories';

describe('setLabelerThresholds', () => {
  let database: TestDatabase;

  beforeEach(() => {
    database = createTestDatabase();
  });

  afterEach(() => database.close());

  it('re-derives predicted labels, no-label flags and per-label flags from stored probabilities', async () => {
    const { db } = database;
    const { collection, labels } = makeCollection(db, ['ship', 'tree']);
    const labelIds = labels.map((label) => label.id);
    const items = [makeItem(db, collection.id), makeItem(db, collection.id)];
    const row = createTrainingModel(db, {
      collectionId: collection.id,
      kind: 'labeler',
      backbone: 'test',
      backend: 'cpu',
      labelIds,
      seed: 1,
      snapshotAnnotationId: null,
    });
    // Probabilities [0.7, 0.2] and [0.3, 0.4], stored as scoring would store them.
    const probabilities = Float32Array.from([0.7, 0.2, 0.3, 0.4]);
    replacePredictions(
      db,
      row.id,
      items.map((item) => item.id),
      labelIds,
      {
        count: 2,
        labelCount: 2,
        probabilities,
        predicted: Uint8Array.from([1, 0, 0, 0]),
        labelEntropy: new Float32Array(4),
        topIndex: Int32Array.from([0, 1]),
        topProbability: Float32Array.from([0.7, 0.4]),
        uncertainty: new Float32Array(2),
        margin: null,
        novelty: null,
        isNovel: new Uint8Array(2),
        noLabel: Uint8Array.from([0, 1]),
      } satisfies ScoreResult,
    );
    activateReadyModel(db, row.id, {
      thresholds: [0.5, 0.5],
      noveltyThreshold: null,
      metrics: {},
      card: {},
      trainCount: 2,
      validationCount: 0,
      durationMs: 1,
      artifactPath: 'models/x',
    });

    const { model, items: rederived } = setLabelerThresholds(db, row.id, {
      [String(labelIds[1])]: 0.35,
    });

    expect(rederived).toBe(2);
    expect(model.thresholds).toEqual([0.5, 0.35]);
    const byItem = new Map(listPredictions(db, row.id).map((p) => [p.itemId, p]));
    expect(byItem.get(items[0].id)).toMatchObject({
      predictedLabelIds: [labelIds[0]],
      noLabel: false,
    });
    expect(byItem.get(items[1].id)).toMatchObject({
      predictedLabelIds: [labelIds[1]],
      noLabel: false,
    });
    const treeFlag = db
      .select({ predicted: predictionScores.predicted })
      .from(predictionScores)
      .where(
        and(eq(predictionScores.itemId, items[1].id), eq(predictionScores.labelId, labelIds[1])),
      )
      .get();
    expect(treeFlag?.predicted).toBe(true);

    setLabelerThresholds(db, row.id, { [String(labelIds[0])]: 0.9, [String(labelIds[1])]: 0.9 });
    expect(
      listPredictions(db, row.id).every((p) => p.noLabel && p.predictedLabelIds.length === 0),
    ).toBe(true);
  });
});
