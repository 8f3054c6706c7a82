import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { annotations, items } from '@/db/schema';
import {
  appendAnnotation,
  appendAnnotations,
  listCurrentAnnotations,
  listItemHistory,
} from '@/lib/annotation/annotation-repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeCollection, makeItem, makeUser } from '../../helpers/factories';

describe('annotation repository', () => {
  let t: TestDatabase;
  beforeEach(() => (t = createTestDatabase()));
  afterEach(() => t.close());

  it('appends a new row for every save and never rewrites an earlier one', () => {
    const user = makeUser(t.db);
    const { collection, labels } = makeCollection(t.db);
    const item = makeItem(t.db, collection.id);

    const first = appendAnnotation(t.db, {
      itemId: item.id,
      userId: user.id,
      labelIds: [labels[0].id],
      none: false,
      source: 'human',
    });
    const second = appendAnnotation(t.db, {
      itemId: item.id,
      userId: user.id,
      labelIds: [],
      none: true,
      source: 'review',
      queue: 'no-label',
    });

    const history = listItemHistory(t.db, item.id);
    expect(history.map((row) => [row.id, row.kind, row.labelIds])).toEqual([
      [second, 'none', []],
      [first, 'labels', [labels[0].id]],
    ]);
    expect(history[0].queue).toBe('no-label');
    expect(t.db.select().from(items).where(eq(items.id, item.id)).get()?.currentAnnotationId).toBe(
      second,
    );
  });

  it('stores an empty label set without "none" as a cleared annotation', () => {
    const { collection } = makeCollection(t.db);
    const item = makeItem(t.db, collection.id);

    const id = appendAnnotation(t.db, {
      itemId: item.id,
      userId: null,
      labelIds: [],
      none: false,
      source: 'human',
    });

    expect(t.db.select().from(annotations).where(eq(annotations.id, id)).get()?.kind).toBe(
      'cleared',
    );
    expect(listCurrentAnnotations(t.db, collection.id)).toEqual([]);
  });

  it('takes a snapshot as of an earlier annotation, ignoring later saves', () => {
    const { collection, labels } = makeCollection(t.db);
    const [a, b] = [makeItem(t.db, collection.id), makeItem(t.db, collection.id)];
    const [firstA] = appendAnnotations(t.db, [
      { itemId: a.id, userId: null, labelIds: [labels[0].id], none: false, source: 'import' },
    ]);
    appendAnnotation(t.db, {
      itemId: a.id,
      userId: null,
      labelIds: [labels[1].id],
      none: false,
      source: 'human',
    });
    appendAnnotation(t.db, {
      itemId: b.id,
      userId: null,
      labelIds: [],
      none: true,
      source: 'human',
    });

    expect(listCurrentAnnotations(t.db, collection.id, firstA)).toEqual([
      { itemId: a.id, annotationId: firstA, kind: 'labels', labelIds: [labels[0].id] },
    ]);
    expect(
      listCurrentAnnotations(t.db, collection.id).map((row) => [
        row.itemId,
        row.kind,
        row.labelIds,
      ]),
    ).toEqual([
      [a.id, 'labels', [labels[1].id]],
      [b.id, 'none', []],
    ]);
  });

  it('rolls back a whole batch when one annotation names a missing item', () => {
    const { collection, labels } = makeCollection(t.db);
    const item = makeItem(t.db, collection.id);

    expect(() =>
      appendAnnotations(t.db, [
        { itemId: item.id, userId: null, labelIds: [labels[0].id], none: false, source: 'human' },
        { itemId: 999_999, userId: null, labelIds: [labels[0].id], none: false, source: 'human' },
      ]),
    ).toThrow(/FOREIGN KEY/);
    expect(listItemHistory(t.db, item.id)).toEqual([]);
  });
});
