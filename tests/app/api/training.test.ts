import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as activate } from '@/app/api/models/[id]/activate/route';
import { PATCH as patchThresholds } from '@/app/api/models/[id]/thresholds/route';
import { GET as trainingStatus, POST as train } from '@/app/api/collections/[id]/training/route';
import { POST as cancel } from '@/app/api/jobs/[id]/cancel/route';
import { GET as events } from '@/app/api/jobs/[id]/events/route';
import { PATCH as patchCollection } from '@/app/api/collections/[id]/route';
import { getCollection } from '@/lib/collections/collection-repo';
import { appendJobEvent, getJob, markRunning, succeed, type Job } from '@/lib/jobs/job-repo';
import { predictions } from '@/db/schema';
import {
  activateReadyModel,
  createTrainingModel,
  getActiveModel,
  getModel,
} from '@/lib/ml/model-repo';
import { setTrainingSupervisor, TrainingSupervisor } from '@/lib/training/training-supervisor';
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
let collectionId: number;

beforeEach(() => {
  app = startTestApp();
  collectionId = makeCollection(app.db).collection.id;
  // Paused: the route tests check the requests and job rows; tests/lib/training runs workers.
  const supervisor = new TrainingSupervisor(app.db, { dataDir: app.dataDir });
  supervisor.pause();
  setTrainingSupervisor(supervisor);
});

afterEach(() => {
  setTrainingSupervisor(undefined);
  app.close();
});

async function startAs(cookie: string, body: unknown = { kinds: ['classifier', 'labeler'] }) {
  return train(
    apiRequest(`/api/collections/${collectionId}/training`, { method: 'POST', cookie, body }),
    params({ id: String(collectionId) }),
  );
}

function readyModel(kind: 'classifier' | 'labeler') {
  const row = createTrainingModel(app.db, {
    collectionId,
    kind,
    backbone: 'mobilenet-v2',
    backend: 'cpu',
    labelIds: [1, 2],
    seed: 1,
    snapshotAnnotationId: null,
  });
  return activateReadyModel(app.db, row.id, {
    thresholds: kind === 'labeler' ? [0.5, 0.5] : null,
    noveltyThreshold: null,
    metrics: {},
    card: {},
    trainCount: 1,
    validationCount: 0,
    durationMs: 1,
    artifactPath: `models/${row.id}`,
  });
}

describe('POST /api/collections/[id]/training', () => {
  it('answers 202 with a queued train job for an admin', async () => {
    const { cookie, user } = await signedInUser(app.db, 'admin');

    const response = await startAs(cookie, { kinds: ['labeler'], options: { epochs: 20 } });

    expect(response.status).toBe(202);
    const { job } = (await response.json()) as { job: Job };
    expect(getJob(app.db, job.id)).toMatchObject({
      kind: 'train',
      state: 'queued',
      createdBy: user.id,
      params: { kinds: ['labeler'], reason: 'manual', options: { epochs: 20 } },
    });
  });

  it('answers 409 while the collection already has a training job', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    await startAs(cookie);

    const response = await startAs(cookie);

    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toContain('already running');
  });

  it.each(['curator', 'reviewer'] as const)('refuses a %s with 403', async (role) => {
    const { cookie } = await signedInUser(app.db, role);

    const response = await startAs(cookie);

    expect(response.status).toBe(403);
  });

  it('rejects an unknown kind with 422 naming the field', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');

    const response = await startAs(cookie, { kinds: ['regressor'] });

    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toContain('kinds');
  });

  it('lets a reviewer read the training status', async () => {
    const admin = await signedInUser(app.db, 'admin');
    await startAs(admin.cookie);
    const { cookie } = await signedInUser(app.db, 'reviewer');

    const response = await trainingStatus(
      apiRequest(`/api/collections/${collectionId}/training`, { cookie }),
      params({ id: String(collectionId) }),
    );

    const body = (await response.json()) as { active: Job | null; recent: Job[] };
    expect(body.active?.state).toBe('queued');
    expect(body.recent).toHaveLength(1);
  });
});

describe('POST /api/jobs/[id]/cancel', () => {
  async function cancelAs(cookie: string, jobId: number) {
    return cancel(
      apiRequest(`/api/jobs/${jobId}/cancel`, { method: 'POST', cookie }),
      params({ id: String(jobId) }),
    );
  }

  it('cancels a queued training job at once, which frees the collection for a new one', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const { job } = (await (await startAs(cookie)).json()) as { job: Job };

    const response = await cancelAs(cookie, job.id);

    expect(response.status).toBe(200);
    expect(getJob(app.db, job.id)).toMatchObject({ state: 'cancelled', cancelRequested: true });
    expect((await startAs(cookie)).status).toBe(202);
  });

  it('records the request on a running job for its worker to see', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const { job } = (await (await startAs(cookie)).json()) as { job: Job };
    markRunning(app.db, job.id);

    await cancelAs(cookie, job.id);

    expect(getJob(app.db, job.id)).toMatchObject({ state: 'running', cancelRequested: true });
  });

  it('refuses a curator with 403 and a finished job with 409', async () => {
    const admin = await signedInUser(app.db, 'admin');
    const { job } = (await (await startAs(admin.cookie)).json()) as { job: Job };
    const curator = await signedInUser(app.db, 'curator');

    expect((await cancelAs(curator.cookie, job.id)).status).toBe(403);
    succeed(app.db, job.id, {});
    expect((await cancelAs(admin.cookie, job.id)).status).toBe(409);
  });
});

describe('GET /api/jobs/[id]/events', () => {
  async function readStream(response: Response): Promise<string> {
    return new Response(response.body).text();
  }

  it('streams every event of a finished job and ends', async () => {
    const { cookie } = await signedInUser(app.db, 'reviewer');
    const admin = await signedInUser(app.db, 'admin');
    const { job } = (await (await startAs(admin.cookie)).json()) as { job: Job };
    markRunning(app.db, job.id);
    appendJobEvent(app.db, job.id, 'progress', { stage: 'train', done: 3, total: 10 });
    succeed(app.db, job.id, { models: [] });

    const response = await events(
      apiRequest(`/api/jobs/${job.id}/events`, { cookie }),
      params({ id: String(job.id) }),
    );

    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await readStream(response);
    expect(text.match(/^event: /gm)).toHaveLength(4);
    expect(text).toContain('"stage":"train"');
    expect(text).toContain('"state":"succeeded"');
  });

  it('delivers events written while the stream is open, then ends with the final state', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const { job } = (await (await startAs(cookie)).json()) as { job: Job };
    markRunning(app.db, job.id);

    const response = await events(
      apiRequest(`/api/jobs/${job.id}/events`, { cookie }),
      params({ id: String(job.id) }),
    );
    const text = readStream(response);
    setTimeout(() => {
      appendJobEvent(app.db, job.id, 'progress', { stage: 'score', done: 5, total: 5 });
      succeed(app.db, job.id, {});
    }, 100);

    const received = await text;
    expect(received.indexOf('"stage":"score"')).toBeGreaterThan(
      received.indexOf('"state":"running"'),
    );
    expect(received.trimEnd().endsWith('}')).toBe(true);
    expect(received).toContain('"state":"succeeded"');
  });

  it('replays only the events after Last-Event-ID', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const { job } = (await (await startAs(cookie)).json()) as { job: Job };
    const seen = appendJobEvent(app.db, job.id, 'progress', { stage: 'embed', done: 1, total: 2 });
    appendJobEvent(app.db, job.id, 'progress', { stage: 'embed', done: 2, total: 2 });
    succeed(app.db, job.id, {});

    const response = await events(
      apiRequest(`/api/jobs/${job.id}/events`, {
        cookie,
        headers: { 'last-event-id': String(seen.id) },
      }),
      params({ id: String(job.id) }),
    );

    const text = await readStream(response);
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1]));
    expect(ids.length).toBe(2);
    expect(ids.every((id) => id > seen.id)).toBe(true);
    expect(text).not.toContain('"done":1');
  });
});

describe('models: roll-back and thresholds', () => {
  it('makes an earlier ready model active again and the newer one inactive', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const older = readyModel('classifier');
    const newer = readyModel('classifier');
    // The older model keeps a prediction, so activating it needs no re-scoring.
    const item = makeItem(app.db, collectionId);
    app.db
      .insert(predictions)
      .values({
        modelId: older.id,
        itemId: item.id,
        probabilities: [0.9, 0.1],
        predictedLabelIds: [1],
        topProbability: 0.9,
        uncertainty: 0.1,
      })
      .run();

    const response = await activate(
      apiRequest(`/api/models/${older.id}/activate`, { method: 'POST', cookie }),
      params({ id: String(older.id) }),
    );

    expect(response.status).toBe(200);
    expect(getActiveModel(app.db, collectionId, 'classifier')?.id).toBe(older.id);
    expect(getModel(app.db, newer.id)?.active).toBe(false);
  });

  it('refuses to set thresholds on a classifier, and lets only admins set them', async () => {
    const admin = await signedInUser(app.db, 'admin');
    const curator = await signedInUser(app.db, 'curator');
    const classifier = readyModel('classifier');
    const labeler = readyModel('labeler');
    const patch = (id: number, cookie: string) =>
      patchThresholds(
        apiRequest(`/api/models/${id}/thresholds`, {
          method: 'PATCH',
          cookie,
          body: { thresholds: { '1': 0.7 } },
        }),
        params({ id: String(id) }),
      );

    expect((await patch(classifier.id, admin.cookie)).status).toBe(400);
    expect((await patch(labeler.id, curator.cookie)).status).toBe(403);
    const response = await patch(labeler.id, admin.cookie);
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { model: { thresholds: number[] } }).model.thresholds,
    ).toEqual([0.7, 0.5]);
  });
});

describe('PATCH /api/collections/[id] autoRetrainAfter', () => {
  it('sets and clears the auto-retrain policy', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const patch = (body: unknown) =>
      patchCollection(
        apiRequest(`/api/collections/${collectionId}`, { method: 'PATCH', cookie, body }),
        params({ id: String(collectionId) }),
      );

    expect((await patch({ autoRetrainAfter: 25 })).status).toBe(200);
    expect(getCollection(app.db, collectionId)?.autoRetrainAfter).toBe(25);
    await patch({ autoRetrainAfter: null });
    expect(getCollection(app.db, collectionId)?.autoRetrainAfter).toBeNull();
    expect((await patch({ autoRetrainAfter: 0 })).status).toBe(422);
  });
});
