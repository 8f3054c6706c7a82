import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as listItems } from '@/app/api/collections/[id]/items/route';
import { POST as addLabels } from '@/app/api/collections/[id]/labels/route';
import { GET as getCollection, PATCH as patchCollection } from '@/app/api/collections/[id]/route';
import { GET as listCollections, POST as createCollection } from '@/app/api/collections/route';
import { GET as getItem } from '@/app/api/items/[id]/route';
import { DELETE as deleteLabel, PATCH as patchLabel } from '@/app/api/labels/[id]/route';
import { appendAnnotation } from '@/lib/annotation/annotation-repo';
import {
  createCollection as createCollectionRow,
  type Label,
} from '@/lib/collections/collection-repo';
import type { Item } from '@/lib/collections/item-repo';
import {
  apiRequest,
  errorOf,
  params,
  signedInUser,
  startTestApp,
  type TestApp,
} from '../../helpers/app';
import { addStoredItem } from '../../helpers/items';

let app: TestApp;
let adminCookie: string;
beforeEach(async () => {
  app = startTestApp();
  adminCookie = (await signedInUser(app.db, 'admin')).cookie;
});
afterEach(() => app.close());

async function createBirds(mode: 'single' | 'multi' = 'single') {
  const response = await createCollection(
    apiRequest('/api/collections', {
      method: 'POST',
      cookie: adminCookie,
      body: {
        name: 'Birds of the Archive',
        annotationMode: mode,
        labels: ['Heron', 'Owl', 'Wren'],
      },
    }),
  );
  expect(response.status).toBe(201);
  const { collection } = (await response.json()) as { collection: { id: number; slug: string } };
  const detail = await getCollection(
    apiRequest(`/api/collections/${collection.id}`, { cookie: adminCookie }),
    params({ id: String(collection.id) }),
  );
  const { labels } = (await detail.json()) as { labels: Label[] };
  return { collection, labels };
}

function patchLabelAs(cookie: string, id: number, body: unknown) {
  return patchLabel(
    apiRequest(`/api/labels/${id}`, { method: 'PATCH', cookie, body }),
    params({ id: String(id) }),
  );
}

describe('collections API', () => {
  it('creates a collection with its labels, hotkeys and colours, listed with counts', async () => {
    const { collection, labels } = await createBirds();

    expect(collection.slug).toBe('birds-of-the-archive');
    expect(labels.map((label) => [label.name, label.hotkey, label.position])).toEqual([
      ['Heron', '1', 0],
      ['Owl', '2', 1],
      ['Wren', '3', 2],
    ]);
    const list = (await (
      await listCollections(apiRequest('/api/collections', { cookie: adminCookie }))
    ).json()) as { collections: { name: string; labelCount: number; itemCount: number }[] };
    expect(list.collections).toEqual([
      expect.objectContaining({ name: 'Birds of the Archive', labelCount: 3, itemCount: 0 }),
    ]);
  });

  it('lets reviewers and curators read but not change the collection or its labels', async () => {
    const { collection, labels } = await createBirds();

    for (const role of ['reviewer', 'curator'] as const) {
      const { cookie } = await signedInUser(app.db, role);
      const id = String(collection.id);

      expect(
        (await getCollection(apiRequest(`/api/collections/${id}`, { cookie }), params({ id })))
          .status,
      ).toBe(200);
      expect((await patchLabelAs(cookie, labels[0].id, { name: 'Egret' })).status).toBe(403);
      const add = await addLabels(
        apiRequest(`/api/collections/${id}/labels`, {
          method: 'POST',
          cookie,
          body: { labels: [{ name: 'Gull' }] },
        }),
        params({ id }),
      );
      expect(add.status).toBe(403);
      const rename = await patchCollection(
        apiRequest(`/api/collections/${id}`, { method: 'PATCH', cookie, body: { name: 'Mine' } }),
        params({ id }),
      );
      expect(rename.status).toBe(403);
      const create = await createCollection(
        apiRequest('/api/collections', {
          method: 'POST',
          cookie,
          body: { name: 'X', annotationMode: 'single' },
        }),
      );
      expect(create.status).toBe(403);
    }
  });

  it('renames, recolours and re-keys a label, refusing reserved and taken hotkeys', async () => {
    const { labels } = await createBirds();
    const [heron, owl] = labels;

    const changed = await patchLabelAs(adminCookie, heron.id, {
      name: 'Grey heron',
      description: 'Ardea cinerea',
      hotkey: 'H',
      colour: '#009E73',
    });
    expect(changed.status).toBe(200);
    expect(((await changed.json()) as { label: Label }).label).toMatchObject({
      name: 'Grey heron',
      hotkey: 'h',
      colour: '#009E73',
    });

    const reserved = await patchLabelAs(adminCookie, owl.id, { hotkey: 'n' });
    expect(reserved.status).toBe(422);
    const taken = await patchLabelAs(adminCookie, owl.id, { hotkey: 'h' });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).message).toContain('Grey heron');
    const duplicateName = await patchLabelAs(adminCookie, owl.id, { name: 'Wren' });
    expect(duplicateName.status).toBe(409);
    const cleared = await patchLabelAs(adminCookie, owl.id, { hotkey: null });
    expect(((await cleared.json()) as { label: Label }).label.hotkey).toBeNull();
  });

  it('moves a label to a new position and renumbers the others', async () => {
    const { collection, labels } = await createBirds();

    await patchLabelAs(adminCookie, labels[2].id, { position: 0 });

    const detail = await getCollection(
      apiRequest(`/api/collections/${collection.id}`, { cookie: adminCookie }),
      params({ id: String(collection.id) }),
    );
    const after = ((await detail.json()) as { labels: Label[] }).labels;
    expect(after.map((label) => [label.name, label.position])).toEqual([
      ['Wren', 0],
      ['Heron', 1],
      ['Owl', 2],
    ]);
  });

  it('deletes an unused label but answers 409 with the number of annotations for one in use', async () => {
    const { collection, labels } = await createBirds();
    const [heron, owl] = labels;
    const first = await addStoredItem(app.db, app.dataDir, collection.id, { seed: 1 });
    const second = await addStoredItem(app.db, app.dataDir, collection.id, { seed: 2 });
    appendAnnotation(app.db, {
      itemId: first.id,
      userId: null,
      labelIds: [heron.id],
      none: false,
      source: 'human',
    });
    appendAnnotation(app.db, {
      itemId: second.id,
      userId: null,
      labelIds: [heron.id],
      none: false,
      source: 'human',
    });
    // The label is no longer current on this item, but the history still names it.
    appendAnnotation(app.db, {
      itemId: second.id,
      userId: null,
      labelIds: [],
      none: true,
      source: 'human',
    });

    const inUse = await deleteLabel(
      apiRequest(`/api/labels/${heron.id}`, { method: 'DELETE', cookie: adminCookie }),
      params({ id: String(heron.id) }),
    );
    expect(inUse.status).toBe(409);
    expect((await errorOf(inUse)).message).toContain('2 annotations use it');

    const unused = await deleteLabel(
      apiRequest(`/api/labels/${owl.id}`, { method: 'DELETE', cookie: adminCookie }),
      params({ id: String(owl.id) }),
    );
    expect(unused.status).toBe(204);
  });

  it('refuses to switch to single-label mode while an item carries two labels', async () => {
    const { collection, labels } = await createBirds('multi');
    const item = await addStoredItem(app.db, app.dataDir, collection.id);
    appendAnnotation(app.db, {
      itemId: item.id,
      userId: null,
      labelIds: [labels[0].id, labels[1].id],
      none: false,
      source: 'human',
    });

    const response = await patchCollection(
      apiRequest(`/api/collections/${collection.id}`, {
        method: 'PATCH',
        cookie: adminCookie,
        body: { annotationMode: 'single', description: 'Now single' },
      }),
      params({ id: String(collection.id) }),
    );

    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toContain('1 item(s)');
  });
  it('lists an item whose last annotation was cleared as not annotated', async () => {
    const { collection, labels } = await createBirds();
    const kept = await addStoredItem(app.db, app.dataDir, collection.id, { seed: 1 });
    const cleared = await addStoredItem(app.db, app.dataDir, collection.id, { seed: 2 });
    const annotate = (itemId: number, labelIds: number[]) =>
      appendAnnotation(app.db, { itemId, userId: null, labelIds, none: false, source: 'human' });
    annotate(kept.id, [labels[0].id]);
    annotate(cleared.id, [labels[1].id]);
    annotate(cleared.id, []);

    const response = await listCollections(apiRequest('/api/collections', { cookie: adminCookie }));

    const body = (await response.json()) as { collections: { annotatedCount: number }[] };
    expect(body.collections[0]).toMatchObject({ itemCount: 2, annotatedCount: 1 });
  });
});

describe('GET /api/collections/[id]/items', () => {
  it('pages by item id and filters by unannotated, none of these and a current label', async () => {
    const { collection, labels } = await createBirds();
    const [heron, owl] = labels;
    const items: Item[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      items.push(await addStoredItem(app.db, app.dataDir, collection.id, { seed }));
    }
    const annotate = (index: number, labelIds: number[], none = false) =>
      appendAnnotation(app.db, {
        itemId: items[index].id,
        userId: null,
        labelIds,
        none,
        source: 'human',
      });
    annotate(0, [heron.id]);
    annotate(1, [owl.id]);
    annotate(1, [heron.id]);
    annotate(2, [], true);
    annotate(3, [owl.id]);
    annotate(3, []);

    const id = String(collection.id);
    const fetchPage = async (query: string) => {
      const response = await listItems(
        apiRequest(`/api/collections/${id}/items?${query}`, { cookie: adminCookie }),
        params({ id }),
      );
      return (await response.json()) as {
        items: { id: number; labelIds: number[]; annotationKind: string | null }[];
        nextAfter: number | null;
        previousBefore: number | null;
      };
    };

    const firstPage = await fetchPage('limit=2');
    expect(firstPage.items.map((item) => item.id)).toEqual([items[0].id, items[1].id]);
    expect(firstPage.nextAfter).toBe(items[1].id);
    expect(firstPage.previousBefore).toBeNull();
    const lastPage = await fetchPage(`limit=2&after=${items[3].id}`);
    expect(lastPage.items.map((item) => item.id)).toEqual([items[4].id]);
    expect(lastPage.nextAfter).toBeNull();
    expect(lastPage.previousBefore).toBe(items[4].id);
    const backwards = await fetchPage(`limit=2&before=${items[4].id}`);
    expect(backwards.items.map((item) => item.id)).toEqual([items[2].id, items[3].id]);
    expect(backwards).toMatchObject({ previousBefore: items[2].id, nextAfter: items[3].id });
    const unannotatedBack = await fetchPage(`filter=unannotated&before=${items[4].id}`);
    expect(unannotatedBack.items.map((item) => item.id)).toEqual([items[3].id]);
    expect(unannotatedBack.previousBefore).toBeNull();

    const ids = async (query: string) => (await fetchPage(query)).items.map((item) => item.id);
    expect(await ids('filter=unannotated')).toEqual([items[3].id, items[4].id]);
    expect(await ids('filter=none')).toEqual([items[2].id]);
    expect(await ids(`filter=label&label=${heron.id}`)).toEqual([items[0].id, items[1].id]);
    expect(await ids(`filter=label&label=${owl.id}`)).toEqual([]);

    const all = await fetchPage('');
    expect(all.items[1]).toMatchObject({ labelIds: [heron.id], annotationKind: 'labels' });
    expect(all.items[3]).toMatchObject({ labelIds: [], annotationKind: null });
  });

  it('never shows items of another collection, even when their ids interleave', async () => {
    const { collection } = await createBirds();
    const other = createCollectionRow(app.db, { name: 'Other', annotationMode: 'single' });
    const ours: Item[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      ours.push(await addStoredItem(app.db, app.dataDir, collection.id, { seed }));
      await addStoredItem(app.db, app.dataDir, other.id, { seed: seed + 10 });
    }

    const id = String(collection.id);
    const response = await listItems(
      apiRequest(`/api/collections/${id}/items?limit=2`, { cookie: adminCookie }),
      params({ id }),
    );

    const body = (await response.json()) as { items: { id: number }[]; nextAfter: number };
    expect(body.items.map((item) => item.id)).toEqual([ours[0].id, ours[1].id]);
    expect(body.nextAfter).toBe(ours[1].id);
  });

  it('returns an item with its annotation history, newest first', async () => {
    const { collection, labels } = await createBirds();
    const item = await addStoredItem(app.db, app.dataDir, collection.id);
    const { user, cookie } = await signedInUser(app.db, 'reviewer');
    const firstId = appendAnnotation(app.db, {
      itemId: item.id,
      userId: user.id,
      labelIds: [labels[0].id],
      none: false,
      source: 'human',
    });
    appendAnnotation(app.db, {
      itemId: item.id,
      userId: user.id,
      labelIds: [],
      none: false,
      source: 'human',
      undoOfId: firstId,
    });

    const response = await getItem(
      apiRequest(`/api/items/${item.id}`, { cookie }),
      params({ id: String(item.id) }),
    );

    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      history: { kind: string; undoOfId: number | null; userName: string }[];
    };
    expect(body.history.map((entry) => [entry.kind, entry.undoOfId])).toEqual([
      ['cleared', firstId],
      ['labels', null],
    ]);
    expect(body.history[0].userName).toBe(user.name);
  });
});
