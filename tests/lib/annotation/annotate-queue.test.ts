import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { models, predictionScores } from '@/db/schema';
import { nextAnnotateItems } from '@/lib/annotation/annotate-queue';
import { appendAnnotation } from '@/lib/annotation/annotation-repo';
import { releaseLeases } from '@/lib/annotation/lease-repo';
import { activateReadyModel, createTrainingModel } from '@/lib/ml/model-repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeCollection, makeItem, makeUser } from '../../helpers/factories';

let t: TestDatabase;
beforeEach(() => {
  t = createTestDatabase();
});
afterEach(() => t.close());

function setup(itemCount: number) {
  const { collection, labels } = makeCollection(t.db, ['building', 'portrait']);
  const items = Array.from({ length: itemCount }, () => makeItem(t.db, collection.id));
  return { collection, labels, itemIds: items.map((item) => item.id) };
}

const ids = (batch: ReturnType<typeof nextAnnotateItems>) => batch.items.map((i) => i.item.id);

describe('nextAnnotateItems', () => {
  it('hands out unannotated items first in item id order, counting cleared ones as unannotated', () => {
    const { collection, labels, itemIds } = setup(5);
    const curator = makeUser(t.db);
    appendAnnotation(t.db, {
      itemId: itemIds[0],
      userId: curator.id,
      labelIds: [labels[0].id],
      none: false,
      source: 'human',
    });
    appendAnnotation(t.db, {
      itemId: itemIds[1],
      userId: null,
      labelIds: [],
      none: true,
      source: 'human',
    });
    appendAnnotation(t.db, {
      itemId: itemIds[1],
      userId: null,
      labelIds: [],
      none: false,
      source: 'human',
    });

    const batch = nextAnnotateItems(t.db, {
      collectionId: collection.id,
      userId: curator.id,
      queue: 'unannotated',
      count: 3,
    });

    expect(ids(batch)).toEqual([itemIds[1], itemIds[2], itemIds[3]]);
    expect(batch.remaining).toBe(4);
  });

  it('never gives two curators the same item while the first holds it', () => {
    const { collection, itemIds } = setup(6);
    const [ann, ben] = [makeUser(t.db), makeUser(t.db)];
    const request = { collectionId: collection.id, queue: 'unannotated' as const, count: 3 };

    const first = ids(nextAnnotateItems(t.db, { ...request, userId: ann.id }));
    const second = ids(nextAnnotateItems(t.db, { ...request, userId: ben.id }));

    expect(first).toEqual(itemIds.slice(0, 3));
    expect(second).toEqual(itemIds.slice(3, 6));
  });

  it('gives a lapsed lease to the next curator who asks', () => {
    const { collection, itemIds } = setup(2);
    const [ann, ben] = [makeUser(t.db), makeUser(t.db)];
    const request = { collectionId: collection.id, queue: 'unannotated' as const, count: 1 };

    nextAnnotateItems(t.db, { ...request, userId: ann.id, now: 1_000 });
    const later = nextAnnotateItems(t.db, { ...request, userId: ben.id, now: 1_000 + 3 * 60_000 });

    expect(ids(later)).toEqual([itemIds[0]]);
  });

  it('renews held items without returning them again and reports those taken by others', () => {
    const { collection, itemIds } = setup(4);
    const [ann, ben] = [makeUser(t.db), makeUser(t.db)];
    const request = { collectionId: collection.id, queue: 'unannotated' as const };

    nextAnnotateItems(t.db, { ...request, userId: ann.id, count: 2, now: 0 });
    // Ann's leases lapse; Ben takes the first item.
    nextAnnotateItems(t.db, { ...request, userId: ben.id, count: 1, now: 10 * 60_000 });
    const again = nextAnnotateItems(t.db, {
      ...request,
      userId: ann.id,
      count: 2,
      heldIds: itemIds.slice(0, 2),
      now: 10 * 60_000 + 1,
    });

    expect(again.lostIds).toEqual([itemIds[0]]);
    expect(ids(again)).toEqual([itemIds[2], itemIds[3]]);
  });

  it('puts skipped items at the back and returns them when nothing else is left', () => {
    const { collection, itemIds } = setup(3);
    const ann = makeUser(t.db);
    const request = { collectionId: collection.id, queue: 'unannotated' as const, userId: ann.id };

    const withSkip = nextAnnotateItems(t.db, { ...request, count: 3, skippedIds: [itemIds[0]] });
    expect(ids(withSkip)).toEqual([itemIds[1], itemIds[2], itemIds[0]]);

    releaseLeases(t.db, ann.id);
    const onlySkipped = nextAnnotateItems(t.db, {
      ...request,
      count: 3,
      heldIds: [itemIds[1], itemIds[2]],
      skippedIds: [itemIds[0]],
    });
    expect(ids(onlySkipped)).toEqual([itemIds[0]]);
  });

  it('offers imported annotations for revisiting, with their current labels', () => {
    const { collection, labels, itemIds } = setup(3);
    const ann = makeUser(t.db);
    appendAnnotation(t.db, {
      itemId: itemIds[2],
      userId: null,
      labelIds: [labels[1].id],
      none: false,
      source: 'import',
    });
    appendAnnotation(t.db, {
      itemId: itemIds[0],
      userId: ann.id,
      labelIds: [labels[0].id],
      none: false,
      source: 'human',
    });

    const batch = nextAnnotateItems(t.db, {
      collectionId: collection.id,
      userId: ann.id,
      queue: 'revisit-import',
      count: 5,
    });

    expect(ids(batch)).toEqual([itemIds[2]]);
    expect(batch.items[0].current).toEqual({ kind: 'labels', labelIds: [labels[1].id] });
  });

  it("attaches the active labeler's per-label probabilities, preferred over the classifier", () => {
    const { collection, labels, itemIds } = setup(1);
    const ann = makeUser(t.db);
    const trained = (kind: 'classifier' | 'labeler') => {
      const model = createTrainingModel(t.db, {
        collectionId: collection.id,
        kind,
        backbone: 'test',
        backend: 'cpu',
        labelIds: labels.map((label) => label.id),
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
    };
    trained('classifier');
    const labelerId = trained('labeler');
    t.db
      .insert(predictionScores)
      .values([
        {
          modelId: labelerId,
          itemId: itemIds[0],
          labelId: labels[0].id,
          probability: 0.2,
          entropy: 0.5,
          predicted: false,
        },
        {
          modelId: labelerId,
          itemId: itemIds[0],
          labelId: labels[1].id,
          probability: 0.9,
          entropy: 0.3,
          predicted: true,
        },
      ])
      .run();

    const [next] = nextAnnotateItems(t.db, {
      collectionId: collection.id,
      userId: ann.id,
      queue: 'unannotated',
      count: 1,
    }).items;

    expect(t.db.select().from(models).all()).toHaveLength(2);
    expect(next.suggestion).toEqual({
      modelId: labelerId,
      modelKind: 'labeler',
      labels: [
        { labelId: labels[1].id, probability: 0.9, predicted: true },
        { labelId: labels[0].id, probability: 0.2, predicted: false },
      ],
    });
  });
});
