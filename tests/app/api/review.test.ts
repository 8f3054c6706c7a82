import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as next } from '@/app/api/collections/[id]/review/next/route';
import { POST as retrain } from '@/app/api/collections/[id]/review/retrain/route';
import { GET as status } from '@/app/api/collections/[id]/review/status/route';
import { POST as review } from '@/app/api/items/[id]/reviews/route';
import { POST as undo } from '@/app/api/items/[id]/reviews/undo/route';
import { listItemHistory } from '@/lib/annotation/annotation-repo';
import { updateCollection } from '@/lib/collections/collection-repo';
import { getJob } from '@/lib/jobs/job-repo';
import { setTrainingSupervisor, TrainingSupervisor } from '@/lib/training/training-supervisor';
import type { ReviewPage } from '@/lib/review/review-service';
import {
  apiRequest,
  errorOf,
  params,
  signedInUser,
  startTestApp,
  type TestApp,
} from '../../helpers/app';
import { makeCollection, makeItem } from '../../helpers/factories';
import { makeActiveModel } from '../../helpers/predictions';

let app: TestApp;

beforeEach(() => {
  app = startTestApp();
  // Paused: these tests check the job rows a retrain writes, not the training itself.
  const supervisor = new TrainingSupervisor(app.db, { dataDir: app.dataDir });
  supervisor.pause();
  setTrainingSupervisor(supervisor);
});

afterEach(() => {
  setTrainingSupervisor(undefined);
  app.close();
});

function reviewedCollection(itemCount: number) {
  const { collection, labels } = makeCollection(app.db, ['building', 'portrait'], 'multi');
  const itemIds = Array.from({ length: itemCount }, () => makeItem(app.db, collection.id).id);
  const labelIds = labels.map((label) => label.id);
  const labeler = makeActiveModel(app.db, {
    collectionId: collection.id,
    kind: 'labeler',
    labelIds,
    predictions: itemIds.map((itemId, i) => ({
      itemId,
      probabilities: [0.3 + (0.4 * i) / itemCount, 0.2],
    })),
  });
  return { collection, labels, itemIds, labeler };
}

function nextPage(cookie: string, collectionId: number, search = 'queue=uncertain&count=5') {
  return next(
    apiRequest(`/api/collections/${collectionId}/review/next?${search}`, { cookie }),
    params({ id: String(collectionId) }),
  );
}

function decide(cookie: string, itemId: number, body: unknown) {
  return review(
    apiRequest(`/api/items/${itemId}/reviews`, { method: 'POST', cookie, body }),
    params({ id: String(itemId) }),
  );
}

function loopStatus(cookie: string, collectionId: number) {
  return status(
    apiRequest(`/api/collections/${collectionId}/review/status`, { cookie }),
    params({ id: String(collectionId) }),
  );
}

describe('review routes', () => {
  it('refuses curators on every review route', async () => {
    const { collection, itemIds } = reviewedCollection(3);
    const { cookie } = await signedInUser(app.db, 'curator');

    const responses = [
      await nextPage(cookie, collection.id),
      await loopStatus(cookie, collection.id),
      await decide(cookie, itemIds[0], { labelIds: [], none: true, modelId: null, queue: 'x' }),
      await undo(
        apiRequest(`/api/items/${itemIds[0]}/reviews/undo`, {
          method: 'POST',
          cookie,
          body: { undoOf: 1 },
        }),
        params({ id: String(itemIds[0]) }),
      ),
    ];

    expect(responses.map((r) => r.status)).toEqual([403, 403, 403, 403]);
    expect(listItemHistory(app.db, itemIds[0])).toEqual([]);
  });

  it('hands out review cards with both answers, thresholds and the queue', async () => {
    const { collection, labels, itemIds, labeler } = reviewedCollection(4);
    updateCollection(app.db, collection.id, { queueRandomShare: 0 });
    const { cookie } = await signedInUser(app.db, 'reviewer');

    const response = await nextPage(cookie, collection.id, 'queue=uncertain&count=2');
    const page = (await response.json()) as ReviewPage;

    expect(response.status).toBe(200);
    expect(page.modelId).toBe(labeler.id);
    expect(page.cards).toHaveLength(2);
    expect(page.cards.map((c) => c.itemId)).toEqual([itemIds[2], itemIds[3]]);
    expect(page.cards[0].labeler?.scores.map((s) => [s.labelId, s.threshold])).toEqual([
      [labels[0].id, 0.5],
      [labels[1].id, 0.5],
    ]);
    expect(page.cards[0].classifier).toBeNull();
  });

  it('stores a decision as a review annotation with the model and the queue', async () => {
    const { collection, labels, itemIds, labeler } = reviewedCollection(3);
    const { cookie, user } = await signedInUser(app.db, 'reviewer');
    await nextPage(cookie, collection.id);

    const response = await decide(cookie, itemIds[2], {
      labelIds: [labels[1].id],
      none: false,
      modelId: labeler.id,
      queue: 'uncertain+random',
    });

    expect(response.status).toBe(201);
    const [stored] = listItemHistory(app.db, itemIds[2]);
    expect(stored).toMatchObject({
      userId: user.id,
      kind: 'labels',
      source: 'review',
      suggestedByModelId: labeler.id,
      queue: 'uncertain+random',
      labelIds: [labels[1].id],
    });
  });

  it('undoes a decision and puts the item back in the queue', async () => {
    const { collection, itemIds, labeler } = reviewedCollection(2);
    const { cookie } = await signedInUser(app.db, 'reviewer');
    const saved = (await (
      await decide(cookie, itemIds[1], {
        labelIds: [],
        none: true,
        modelId: labeler.id,
        queue: 'uncertain',
      })
    ).json()) as { annotation: { id: number } };

    const response = await undo(
      apiRequest(`/api/items/${itemIds[1]}/reviews/undo`, {
        method: 'POST',
        cookie,
        body: { undoOf: saved.annotation.id },
      }),
      params({ id: String(itemIds[1]) }),
    );
    const page = (await (await nextPage(cookie, collection.id)).json()) as ReviewPage;

    expect(response.status).toBe(201);
    expect(listItemHistory(app.db, itemIds[1])[0]).toMatchObject({
      kind: 'cleared',
      source: 'review',
      undoOfId: saved.annotation.id,
    });
    expect(page.cards.map((c) => c.itemId)).toContain(itemIds[1]);
  });

  it('refuses a decision on an item another reviewer holds', async () => {
    const { collection, itemIds, labeler } = reviewedCollection(1);
    const first = await signedInUser(app.db, 'reviewer');
    const second = await signedInUser(app.db, 'reviewer');
    await nextPage(first.cookie, collection.id);

    const response = await decide(second.cookie, itemIds[0], {
      labelIds: [],
      none: true,
      modelId: labeler.id,
      queue: 'uncertain',
    });

    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toMatch(/someone else/i);
  });

  it('offers a retrain once the collection’s number of reviews since the model is reached', async () => {
    const { collection, itemIds, labeler } = reviewedCollection(4);
    updateCollection(app.db, collection.id, { autoRetrainAfter: 3 });
    const { cookie } = await signedInUser(app.db, 'reviewer');
    const body = { labelIds: [], none: true, modelId: labeler.id, queue: 'uncertain' };

    await decide(cookie, itemIds[0], body);
    await decide(cookie, itemIds[1], body);
    const before = (await (await loopStatus(cookie, collection.id)).json()) as {
      retrainDue: boolean;
      reviewsSinceModel: number;
    };
    await decide(cookie, itemIds[2], body);
    const after = (await (await loopStatus(cookie, collection.id)).json()) as {
      retrainDue: boolean;
      reviewsSinceModel: number;
      trainingJob: { id: number } | null;
    };

    expect(before).toMatchObject({ retrainDue: false, reviewsSinceModel: 2 });
    expect(after).toMatchObject({ retrainDue: true, reviewsSinceModel: 3 });
    // The collection's auto-retrain policy (3 annotations) queued a job on the third review.
    expect(after.trainingJob).not.toBeNull();
  });

  it('lets an admin, not a reviewer, start a retrain from the review page', async () => {
    const { collection } = reviewedCollection(2);
    const reviewer = await signedInUser(app.db, 'reviewer');
    const admin = await signedInUser(app.db, 'admin');
    const call = (cookie: string) =>
      retrain(
        apiRequest(`/api/collections/${collection.id}/review/retrain`, { method: 'POST', cookie }),
        params({ id: String(collection.id) }),
      );

    const refused = await call(reviewer.cookie);
    const started = await call(admin.cookie);
    const { job } = (await started.json()) as { job: { id: number } };

    expect(refused.status).toBe(403);
    expect(started.status).toBe(202);
    expect(getJob(app.db, job.id)?.params).toMatchObject({ reason: 'review' });
  });
});
