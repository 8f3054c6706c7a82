import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as bulk } from '@/app/api/collections/[id]/annotations/bulk/route';
import { GET as next } from '@/app/api/collections/[id]/annotate/next/route';
import { POST as save } from '@/app/api/items/[id]/annotations/route';
import { POST as undo } from '@/app/api/items/[id]/annotations/undo/route';
import { PATCH as patchSettings } from '@/app/api/me/settings/route';
import { annotations, jobs } from '@/db/schema';
import { listItemHistory } from '@/lib/annotation/annotation-repo';
import { findUserById } from '@/lib/auth/user-repo';
import { updateCollection, type Collection, type Label } from '@/lib/collections/collection-repo';
import {
  apiRequest,
  errorOf,
  params,
  signedInUser,
  startTestApp,
  type TestApp,
} from '../../helpers/app';
import { makeCollection, makeItem } from '../../helpers/factories';

let app: TestApp;
beforeEach(() => {
  app = startTestApp();
});
afterEach(() => app.close());

function collectionWithItems(count: number, mode: 'single' | 'multi' = 'single') {
  const { collection, labels } = makeCollection(app.db, ['building', 'portrait', 'map'], mode);
  const itemIds = Array.from({ length: count }, () => makeItem(app.db, collection.id).id);
  return { collection, labels, itemIds };
}

function saveRequest(cookie: string, itemId: number, body: unknown) {
  return save(
    apiRequest(`/api/items/${itemId}/annotations`, { method: 'POST', cookie, body }),
    params({ id: String(itemId) }),
  );
}

function undoRequest(cookie: string, itemId: number, annotationId: number) {
  return undo(
    apiRequest(`/api/items/${itemId}/annotations/undo`, {
      method: 'POST',
      cookie,
      body: { annotationId },
    }),
    params({ id: String(itemId) }),
  );
}

async function nextIds(cookie: string, collection: Collection, query = 'count=2') {
  const response = await next(
    apiRequest(`/api/collections/${collection.id}/annotate/next?${query}`, { cookie }),
    params({ id: String(collection.id) }),
  );
  expect(response.status).toBe(200);
  const body = (await response.json()) as { items: { item: { id: number }; imageUrl: string }[] };
  return body.items.map((entry) => entry.item.id);
}

function bulkRequest(cookie: string, collection: Collection, body: unknown) {
  return bulk(
    apiRequest(`/api/collections/${collection.id}/annotations/bulk`, {
      method: 'POST',
      cookie,
      body,
    }),
    params({ id: String(collection.id) }),
  );
}

const labelIdsOf = (labels: Label[], ...names: string[]) =>
  names.map((name) => labels.find((label) => label.name === name)!.id);

describe('the annotate routes', () => {
  it('give two curators different items and hand a saved one to nobody', async () => {
    const { collection, labels, itemIds } = collectionWithItems(5);
    const ann = await signedInUser(app.db, 'curator');
    const ben = await signedInUser(app.db, 'curator');

    expect(await nextIds(ann.cookie, collection)).toEqual(itemIds.slice(0, 2));
    expect(await nextIds(ben.cookie, collection)).toEqual(itemIds.slice(2, 4));

    const saved = await saveRequest(ann.cookie, itemIds[0], {
      labelIds: labelIdsOf(labels, 'building'),
      none: false,
    });
    expect(saved.status).toBe(201);
    expect(
      await nextIds(ben.cookie, collection, `count=2&held=${itemIds[2]},${itemIds[3]}`),
    ).toEqual([itemIds[4]]);
  });

  it('saves an annotation with its suggesting model and queue and returns the progress', async () => {
    const { collection, labels, itemIds } = collectionWithItems(3, 'multi');
    const curator = await signedInUser(app.db, 'curator');

    const response = await saveRequest(curator.cookie, itemIds[1], {
      labelIds: labelIdsOf(labels, 'building', 'map'),
      none: false,
      queue: 'unannotated',
    });

    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      annotation: { kind: string; labelIds: number[]; queue: string; userId: number };
      progress: { total: number; annotated: number; byLabel: Record<string, number> };
    };
    expect(body.annotation).toMatchObject({
      kind: 'labels',
      queue: 'unannotated',
      userId: curator.user.id,
    });
    expect(body.annotation.labelIds.sort()).toEqual(labelIdsOf(labels, 'building', 'map').sort());
    expect(body.progress).toMatchObject({ total: 3, annotated: 1 });
    expect(body.progress.byLabel[labelIdsOf(labels, 'map')[0]]).toBe(1);
    expect(collection.annotationMode).toBe('multi');
  });

  it('refuses an unknown label id with a 422 that names it', async () => {
    const { itemIds } = collectionWithItems(1);
    const other = makeCollection(app.db, ['elsewhere']);
    const curator = await signedInUser(app.db, 'curator');

    const response = await saveRequest(curator.cookie, itemIds[0], {
      labelIds: [other.labels[0].id],
      none: false,
    });

    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toContain(`Label ${other.labels[0].id}`);
    expect(listItemHistory(app.db, itemIds[0])).toEqual([]);
  });

  it('refuses two labels in a single-label collection, and labels together with none', async () => {
    const { labels, itemIds } = collectionWithItems(1, 'single');
    const curator = await signedInUser(app.db, 'curator');

    const two = await saveRequest(curator.cookie, itemIds[0], {
      labelIds: labelIdsOf(labels, 'building', 'portrait'),
      none: false,
    });
    const mixed = await saveRequest(curator.cookie, itemIds[0], {
      labelIds: labelIdsOf(labels, 'building'),
      none: true,
    });

    expect(two.status).toBe(422);
    expect((await errorOf(two)).message).toContain('one label per item');
    expect(mixed.status).toBe(422);
    expect(listItemHistory(app.db, itemIds[0])).toEqual([]);
  });

  it('refuses a save on an item another curator holds', async () => {
    const { collection, labels, itemIds } = collectionWithItems(1);
    const ann = await signedInUser(app.db, 'curator');
    const ben = await signedInUser(app.db, 'curator');
    await nextIds(ann.cookie, collection);

    const response = await saveRequest(ben.cookie, itemIds[0], {
      labelIds: labelIdsOf(labels, 'map'),
      none: false,
    });

    expect(response.status).toBe(409);
  });

  it('undoes by appending rows that restore the previous state, down to cleared', async () => {
    const { labels, itemIds } = collectionWithItems(1);
    const curator = await signedInUser(app.db, 'curator');
    const itemId = itemIds[0];
    const first = (await (
      await saveRequest(curator.cookie, itemId, {
        labelIds: labelIdsOf(labels, 'map'),
        none: false,
      })
    ).json()) as { annotation: { id: number } };
    const second = (await (
      await saveRequest(curator.cookie, itemId, { labelIds: [], none: true })
    ).json()) as { annotation: { id: number } };

    const undoSecond = await undoRequest(curator.cookie, itemId, second.annotation.id);
    expect(undoSecond.status).toBe(201);
    const afterFirstUndo = listItemHistory(app.db, itemId);
    expect(afterFirstUndo[0]).toMatchObject({
      kind: 'labels',
      labelIds: labelIdsOf(labels, 'map'),
      undoOfId: second.annotation.id,
    });

    // The earlier save is no longer the latest: undoing it would discard the undo row.
    expect((await undoRequest(curator.cookie, itemId, first.annotation.id)).status).toBe(409);

    const history = listItemHistory(app.db, itemId);
    expect(history.map((row) => row.kind)).toEqual(['labels', 'none', 'labels']);
    expect(app.db.select().from(annotations).all()).toHaveLength(3);
  });

  it('restores "cleared" when the undone save was the first', async () => {
    const { labels, itemIds } = collectionWithItems(1);
    const curator = await signedInUser(app.db, 'curator');
    const saved = (await (
      await saveRequest(curator.cookie, itemIds[0], {
        labelIds: labelIdsOf(labels, 'map'),
        none: false,
      })
    ).json()) as { annotation: { id: number } };

    const response = await undoRequest(curator.cookie, itemIds[0], saved.annotation.id);

    const body = (await response.json()) as { annotation: { kind: string; undoOfId: number } };
    expect(body.annotation).toMatchObject({ kind: 'cleared', undoOfId: saved.annotation.id });
  });

  it("lets a curator undo only their own save, and an admin anyone's", async () => {
    const { labels, itemIds } = collectionWithItems(1);
    const ann = await signedInUser(app.db, 'curator');
    const ben = await signedInUser(app.db, 'curator');
    const admin = await signedInUser(app.db, 'admin');
    const saved = (await (
      await saveRequest(ann.cookie, itemIds[0], {
        labelIds: labelIdsOf(labels, 'map'),
        none: false,
      })
    ).json()) as { annotation: { id: number } };

    const byBen = await undoRequest(ben.cookie, itemIds[0], saved.annotation.id);
    const byAdmin = await undoRequest(admin.cookie, itemIds[0], saved.annotation.id);

    expect(byBen.status).toBe(403);
    expect(byAdmin.status).toBe(201);
  });

  it('refuses every annotate route to a reviewer', async () => {
    const { collection, labels, itemIds } = collectionWithItems(1);
    const reviewer = await signedInUser(app.db, 'reviewer');

    const nextResponse = await next(
      apiRequest(`/api/collections/${collection.id}/annotate/next`, { cookie: reviewer.cookie }),
      params({ id: String(collection.id) }),
    );
    const saveResponse = await saveRequest(reviewer.cookie, itemIds[0], {
      labelIds: labelIdsOf(labels, 'map'),
      none: false,
    });
    const undoResponse = await undoRequest(reviewer.cookie, itemIds[0], 1);
    const bulkResponse = await bulkRequest(reviewer.cookie, collection, {
      itemIds,
      action: 'none',
    });

    expect([nextResponse, saveResponse, undoResponse, bulkResponse].map((r) => r.status)).toEqual([
      403, 403, 403, 403,
    ]);
  });

  it("queues a retrain once the collection's auto-retrain number of saves is reached", async () => {
    const { collection, labels, itemIds } = collectionWithItems(3);
    updateCollection(app.db, collection.id, { autoRetrainAfter: 2 });
    const curator = await signedInUser(app.db, 'curator');
    const body = { labelIds: labelIdsOf(labels, 'map'), none: false };

    await saveRequest(curator.cookie, itemIds[0], body);
    const before = app.db.select().from(jobs).all().length;
    await saveRequest(curator.cookie, itemIds[1], body);

    expect(before).toBe(0);
    expect(
      app.db
        .select()
        .from(jobs)
        .all()
        .map((job) => job.kind),
    ).toEqual(['train']);
  });

  it('keeps the suggestions setting per user', async () => {
    const curator = await signedInUser(app.db, 'curator');

    const response = await patchSettings(
      apiRequest('/api/me/settings', {
        method: 'PATCH',
        cookie: curator.cookie,
        body: { hideSuggestions: true },
      }),
    );

    expect(response.status).toBe(200);
    expect(findUserById(app.db, curator.user.id)?.settings).toEqual({ hideSuggestions: true });
  });
});

describe('bulk annotation', () => {
  it('writes one row per changed item in one step and reports how many changed', async () => {
    const { collection, labels, itemIds } = collectionWithItems(4, 'multi');
    const curator = await signedInUser(app.db, 'curator');
    await saveRequest(curator.cookie, itemIds[0], {
      labelIds: labelIdsOf(labels, 'map'),
      none: false,
    });
    const before = app.db.select().from(annotations).all().length;

    const response = await bulkRequest(curator.cookie, collection, {
      itemIds: itemIds.slice(0, 3),
      action: 'add',
      labelId: labelIdsOf(labels, 'building')[0],
    });

    expect(await response.json()).toEqual({ changed: 3, unchanged: 0 });
    expect(app.db.select().from(annotations).all().length).toBe(before + 3);
    expect(listItemHistory(app.db, itemIds[0])[0].labelIds.sort()).toEqual(
      labelIdsOf(labels, 'building', 'map').sort(),
    );
    expect(listItemHistory(app.db, itemIds[3])).toEqual([]);
  });

  it('replaces the label in a single-label collection and skips items already so', async () => {
    const { collection, labels, itemIds } = collectionWithItems(2, 'single');
    const curator = await signedInUser(app.db, 'curator');
    const [building, map] = labelIdsOf(labels, 'building', 'map');
    await saveRequest(curator.cookie, itemIds[0], { labelIds: [map], none: false });
    await saveRequest(curator.cookie, itemIds[1], { labelIds: [building], none: false });

    const response = await bulkRequest(curator.cookie, collection, {
      itemIds,
      action: 'add',
      labelId: building,
    });

    expect(await response.json()).toEqual({ changed: 1, unchanged: 1 });
    expect(listItemHistory(app.db, itemIds[0])[0].labelIds).toEqual([building]);
  });

  it('removes a label, clearing items left without one, and marks none', async () => {
    const { collection, labels, itemIds } = collectionWithItems(2, 'multi');
    const curator = await signedInUser(app.db, 'curator');
    const [building, map] = labelIdsOf(labels, 'building', 'map');
    await saveRequest(curator.cookie, itemIds[0], { labelIds: [building, map], none: false });
    await saveRequest(curator.cookie, itemIds[1], { labelIds: [map], none: false });

    const removed = await bulkRequest(curator.cookie, collection, {
      itemIds,
      action: 'remove',
      labelId: map,
    });
    expect(await removed.json()).toEqual({ changed: 2, unchanged: 0 });
    expect(listItemHistory(app.db, itemIds[0])[0]).toMatchObject({
      kind: 'labels',
      labelIds: [building],
    });
    expect(listItemHistory(app.db, itemIds[1])[0].kind).toBe('cleared');

    const none = await bulkRequest(curator.cookie, collection, { itemIds, action: 'none' });
    expect(await none.json()).toEqual({ changed: 2, unchanged: 0 });
  });

  it('refuses items of another collection, naming them, and writes nothing', async () => {
    const { collection, labels, itemIds } = collectionWithItems(1);
    const other = collectionWithItems(1);
    const curator = await signedInUser(app.db, 'curator');

    const response = await bulkRequest(curator.cookie, collection, {
      itemIds: [itemIds[0], other.itemIds[0]],
      action: 'add',
      labelId: labels[0].id,
    });

    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toContain(`Item ${other.itemIds[0]}`);
    expect(app.db.select().from(annotations).all()).toHaveLength(0);
  });
});
