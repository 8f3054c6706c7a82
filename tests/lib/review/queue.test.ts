import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { appendAnnotation } from '@/lib/annotation/annotation-repo';
import type { Label } from '@/lib/collections/collection-repo';
import { nextQueueItems, type NextItemsInput } from '@/lib/review/queue';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeCollection, makeItem, makeUser } from '../../helpers/factories';
import { makeActiveModel, type HandPrediction } from '../../helpers/predictions';

let testDb: TestDatabase;
let db: Db;

beforeEach(() => {
  testDb = createTestDatabase();
  db = testDb.db;
});
afterEach(() => testDb.close());

/** Items 0..n-1 of a two-label collection, with predictions from per-index probabilities. */
function setUp(rows: Omit<HandPrediction, 'itemId'>[], classifierRows?: number[][]) {
  const { collection, labels } = makeCollection(db, ['building', 'coat of arms']);
  const itemIds = rows.map(() => makeItem(db, collection.id).id);
  const labelIds = labels.map((label: Label) => label.id);
  const labeler = makeActiveModel(db, {
    collectionId: collection.id,
    kind: 'labeler',
    labelIds,
    predictions: rows.map((row, i) => ({ ...row, itemId: itemIds[i] })),
  });
  const classifier = classifierRows
    ? makeActiveModel(db, {
        collectionId: collection.id,
        kind: 'classifier',
        labelIds,
        predictions: classifierRows.map((probabilities, i) => ({
          itemId: itemIds[i],
          probabilities,
        })),
      })
    : undefined;
  const reviewer = makeUser(db, 'reviewer');
  return { collection, labels, itemIds, labeler, classifier, reviewer };
}

function next(input: Omit<NextItemsInput, 'randomShare' | 'exclude'> & Partial<NextItemsInput>) {
  return nextQueueItems(db, { randomShare: 0, exclude: [], ...input });
}

describe('review queues', () => {
  it('ranks the uncertain queue by the labeler’s largest binary entropy, most uncertain first', () => {
    const { collection, itemIds, reviewer } = setUp([
      { probabilities: [0.95, 0.02] },
      { probabilities: [0.5, 0.1] },
      { probabilities: [0.7, 0.65] },
      { probabilities: [0.1, 0.2] },
    ]);

    const page = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'uncertain',
      count: 4,
    });

    expect(page.entries.map((e) => e.itemId)).toEqual([
      itemIds[1],
      itemIds[2],
      itemIds[3],
      itemIds[0],
    ]);
    expect(page.entries.every((e) => e.queue === 'uncertain' && !e.random)).toBe(true);
  });

  it('ranks the one-label queue by that label’s entropy alone', () => {
    const { collection, labels, itemIds, reviewer } = setUp([
      { probabilities: [0.5, 0.99] },
      { probabilities: [0.01, 0.45] },
      { probabilities: [0.5, 0.8] },
    ]);

    const page = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'uncertain-label',
      label: labels[1].id,
      count: 3,
    });

    expect(page.entries.map((e) => e.itemId)).toEqual([itemIds[1], itemIds[2], itemIds[0]]);
    expect(page.entries[0].queue).toBe(`uncertain-label:${labels[1].id}`);
  });

  it('queues items with no label above threshold or flagged novel, most novel first', () => {
    const { collection, itemIds, reviewer } = setUp([
      { probabilities: [0.9, 0.1], novelty: 0.9 },
      { probabilities: [0.2, 0.1], novelty: 0.3 },
      { probabilities: [0.8, 0.1], novelty: 0.7, isNovel: true },
      { probabilities: [0.1, 0.3], novelty: 0.95, isNovel: true },
      { probabilities: [0.3, 0.4], novelty: 0.5 },
    ]);

    const page = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'no-label',
      count: 10,
    });

    expect(page.entries.map((e) => e.itemId)).toEqual([
      itemIds[3],
      itemIds[2],
      itemIds[4],
      itemIds[1],
    ]);
  });

  it('queues items whose classifier top label the labeler does not give', () => {
    const { collection, itemIds, reviewer, classifier } = setUp(
      [
        { probabilities: [0.9, 0.1] },
        { probabilities: [0.2, 0.7] },
        { probabilities: [0.2, 0.1] },
        { probabilities: [0.1, 0.9] },
      ],
      [
        [0.9, 0.1],
        [0.6, 0.4],
        [0.8, 0.2],
        [0.3, 0.7],
      ],
    );

    const page = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'disagreement',
      count: 10,
    });

    // Item 1 (classifier unsure, entropy higher) comes before item 2.
    expect(page.entries.map((e) => e.itemId)).toEqual([itemIds[1], itemIds[2]]);
    expect(page.modelId).toBe(classifier?.id);
  });

  it('mixes in random items at the configured share and marks them as random', () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ probabilities: [i / 40, 0.01] }));
    const { collection, reviewer } = setUp(rows);
    // Every other slot draws below the share; the fraction walks across the id range.
    let call = 0;
    const draws = [0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 0.05, 0.35, 0.65, 0.95, 0.2];
    const random = () => draws[call++ % draws.length];

    const page = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'uncertain',
      count: 10,
      randomShare: 0.5,
      random,
    });

    const randoms = page.entries.filter((e) => e.random);
    expect(page.entries).toHaveLength(10);
    expect(randoms).toHaveLength(5);
    expect(randoms.every((e) => e.queue === 'uncertain+random')).toBe(true);
    expect(new Set(page.entries.map((e) => e.itemId)).size).toBe(10);
    expect(page.entries.filter((e) => !e.random).every((e) => e.queue === 'uncertain')).toBe(true);
  });

  it('drops items that have been annotated, by review or otherwise, and brings back cleared ones', () => {
    const { collection, labels, itemIds, reviewer, labeler } = setUp([
      { probabilities: [0.5, 0.1] },
      { probabilities: [0.45, 0.1] },
      { probabilities: [0.4, 0.1] },
    ]);
    const curator = makeUser(db, 'curator');
    appendAnnotation(db, {
      itemId: itemIds[0],
      userId: reviewer.id,
      labelIds: [labels[0].id],
      none: false,
      source: 'review',
      suggestedByModelId: labeler.id,
      queue: 'uncertain',
    });
    appendAnnotation(db, {
      itemId: itemIds[1],
      userId: curator.id,
      labelIds: [],
      none: true,
      source: 'human',
    });
    appendAnnotation(db, {
      itemId: itemIds[2],
      userId: curator.id,
      labelIds: [labels[0].id],
      none: false,
      source: 'human',
    });
    appendAnnotation(db, {
      itemId: itemIds[2],
      userId: curator.id,
      labelIds: [],
      none: false,
      source: 'human',
    });

    const page = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'uncertain',
      count: 10,
    });

    expect(page.entries.map((e) => e.itemId)).toEqual([itemIds[2]]);
  });

  it('never gives two reviewers the same item', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ probabilities: [0.5 - i / 50, 0.1] }));
    const { collection, reviewer } = setUp(rows);
    const other = makeUser(db, 'reviewer');

    const first = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'uncertain',
      count: 5,
    });
    const second = next({
      collectionId: collection.id,
      userId: other.id,
      queue: 'uncertain',
      count: 5,
    });
    const firstAgain = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'uncertain',
      count: 5,
    });

    const firstIds = first.entries.map((e) => e.itemId);
    const secondIds = second.entries.map((e) => e.itemId);
    expect(firstIds).toHaveLength(5);
    expect(secondIds).toHaveLength(5);
    expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
    // Asking again returns the reviewer's own leased items, not new ones.
    expect(firstAgain.entries.map((e) => e.itemId)).toEqual(firstIds);
  });

  it('skips the items the page says it already holds', () => {
    const { collection, itemIds, reviewer } = setUp([
      { probabilities: [0.5, 0.1] },
      { probabilities: [0.4, 0.1] },
      { probabilities: [0.3, 0.1] },
    ]);

    const page = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'uncertain',
      count: 2,
      exclude: [itemIds[0]],
    });

    expect(page.entries.map((e) => e.itemId)).toEqual([itemIds[1], itemIds[2]]);
  });

  it('says why a queue is empty when the collection has no labeler', () => {
    const { collection } = makeCollection(db);
    const reviewer = makeUser(db, 'reviewer');

    const page = next({
      collectionId: collection.id,
      userId: reviewer.id,
      queue: 'uncertain',
      count: 5,
    });

    expect(page.entries).toEqual([]);
    expect(page.unavailable).toMatch(/labeler/);
  });
});
