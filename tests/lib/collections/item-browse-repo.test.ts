import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAnnotation } from '@/lib/annotation/annotation-repo';
import { addLabels, createCollection, type Label } from '@/lib/collections/collection-repo';
import {
  countBrowseFilters,
  countItemsWithSeveralLabels,
  findNeighbourItemIds,
} from '@/lib/collections/item-browse-repo';
import type { Item } from '@/lib/collections/item-repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { addStoredItem } from '../../helpers/items';

let database: TestDatabase;
beforeEach(() => {
  database = createTestDatabase();
});
afterEach(() => database.close());

let collectionCounter = 0;

async function collectionWithItems(count: number) {
  const { db, dir } = database;
  collectionCounter += 1;
  const collection = createCollection(db, {
    name: `Collection ${collectionCounter}`,
    annotationMode: 'multi',
  });
  const labels = addLabels(db, collection.id, [{ name: 'map' }, { name: 'chart' }]);
  const items: Item[] = [];
  for (let seed = 0; seed < count; seed++) {
    items.push(await addStoredItem(db, dir, collection.id, { seed: seed + collection.id * 10 }));
  }
  return { collection, labels, items };
}

function annotate(itemId: number, labels: Label[], none = false) {
  appendAnnotation(database.db, {
    itemId,
    userId: null,
    labelIds: labels.map((label) => label.id),
    none,
    source: 'human',
  });
}

describe('countBrowseFilters', () => {
  it('counts each filter from current annotations only', async () => {
    const { collection, labels, items } = await collectionWithItems(5);
    const [map, chart] = labels;
    annotate(items[0].id, [map]);
    annotate(items[1].id, [map, chart]);
    annotate(items[2].id, [chart]);
    annotate(items[2].id, [], true);
    annotate(items[3].id, [map]);
    annotate(items[3].id, []);

    const counts = countBrowseFilters(database.db, collection.id);

    expect(counts).toMatchObject({ all: 5, unannotated: 2, none: 1 });
    expect([...counts.byLabel.entries()].sort()).toEqual(
      [
        [map.id, 2],
        [chart.id, 1],
      ].sort(),
    );
    expect(countItemsWithSeveralLabels(database.db, collection.id)).toBe(1);
  });

  it('answers zeros for an empty collection', () => {
    const collection = createCollection(database.db, { name: 'Empty', annotationMode: 'single' });

    const counts = countBrowseFilters(database.db, collection.id);

    expect(counts).toMatchObject({ all: 0, unannotated: 0, none: 0 });
    expect(counts.byLabel.size).toBe(0);
  });
});

describe('findNeighbourItemIds', () => {
  it('steps through one collection in id order, skipping the items of others', async () => {
    const first = await collectionWithItems(1);
    const second = await collectionWithItems(1);
    const more = await addStoredItem(database.db, database.dir, first.collection.id, { seed: 99 });
    const [a] = first.items;

    expect(findNeighbourItemIds(database.db, first.collection.id, a.id)).toEqual({
      previousId: null,
      nextId: more.id,
    });
    expect(findNeighbourItemIds(database.db, first.collection.id, more.id)).toEqual({
      previousId: a.id,
      nextId: null,
    });
    expect(second.items[0].id).toBeGreaterThan(a.id);
    expect(second.items[0].id).toBeLessThan(more.id);
  });
});
