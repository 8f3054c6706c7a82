import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { predictionScores } from '@/db/schema';
import { countPredictedByLabel, listBrowseItems } from '@/lib/collections/item-browse-repo';
import { activateReadyModel, createTrainingModel } from '@/lib/ml/model-repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeCollection, makeItem } from '../../helpers/factories';

let t: TestDatabase;
beforeEach(() => {
  t = createTestDatabase();
});
afterEach(() => t.close());

function activeModel(collectionId: number, labelIds: number[], kind: 'classifier' | 'labeler') {
  const model = createTrainingModel(t.db, {
    collectionId,
    kind,
    backbone: 'test',
    backend: 'cpu',
    labelIds,
    seed: 1,
    snapshotAnnotationId: null,
  });
  activateReadyModel(t.db, model.id, {
    thresholds: null,
    noveltyThreshold: null,
    metrics: {},
    card: {},
    trainCount: 1,
    validationCount: 1,
    durationMs: 1,
    artifactPath: 'models/x',
  });
  return model.id;
}

describe('the predicted-label grid filter', () => {
  it('is absent without an active model', () => {
    const { collection } = makeCollection(t.db);

    expect(countPredictedByLabel(t.db, collection.id)).toBeNull();
  });

  it("lists the items the active labeler predicts a label for, ignoring the classifier's", () => {
    const { collection, labels } = makeCollection(t.db, ['building', 'portrait']);
    const [a, b, c] = [1, 2, 3].map(() => makeItem(t.db, collection.id));
    const labelIds = labels.map((label) => label.id);
    const classifier = activeModel(collection.id, labelIds, 'classifier');
    const labeler = activeModel(collection.id, labelIds, 'labeler');
    const score = (modelId: number, itemId: number, labelId: number, predicted: boolean) => ({
      modelId,
      itemId,
      labelId,
      probability: predicted ? 0.9 : 0.1,
      entropy: 0.3,
      predicted,
    });
    t.db
      .insert(predictionScores)
      .values([
        score(labeler, a.id, labelIds[0], true),
        score(labeler, b.id, labelIds[0], false),
        score(labeler, c.id, labelIds[0], true),
        score(classifier, b.id, labelIds[0], true),
      ])
      .run();

    const page = listBrowseItems(
      t.db,
      collection.id,
      { kind: 'predicted', labelId: labelIds[0] },
      { after: 0 },
      10,
    );

    expect(page.map((item) => item.id)).toEqual([a.id, c.id]);
    expect(countPredictedByLabel(t.db, collection.id)?.get(labelIds[0])).toBe(2);
  });
});
