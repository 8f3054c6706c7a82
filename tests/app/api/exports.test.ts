import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as exportCollection } from '@/app/api/collections/[id]/exports/[format]/route';
import { GET as exportModel } from '@/app/api/models/[id]/export/route';
import { appendAnnotation } from '@/lib/annotation/annotation-repo';
import { extractZip } from '@/lib/export/extract-zip';
import { activateReadyModel, createTrainingModel } from '@/lib/ml/model-repo';
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

const exportParams = (id: number, format: string) => params({ id: String(id), format });

describe('GET /api/collections/[id]/exports/[format]', () => {
  it('lets curators download and keeps reviewers out', async () => {
    const { collection, labels } = makeCollection(app.db);
    const item = makeItem(app.db, collection.id);
    appendAnnotation(app.db, {
      itemId: item.id,
      userId: null,
      labelIds: [labels[0].id],
      none: false,
      source: 'import',
    });
    const curator = await signedInUser(app.db, 'curator');
    const reviewer = await signedInUser(app.db, 'reviewer');
    const url = `/api/collections/${collection.id}/exports/csv?scope=human`;

    const refused = await exportCollection(
      apiRequest(url, { cookie: reviewer.cookie }),
      exportParams(collection.id, 'csv'),
    );
    expect(refused.status).toBe(403);

    const response = await exportCollection(
      apiRequest(url, { cookie: curator.cookie }),
      exportParams(collection.id, 'csv'),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(
      /attachment; filename=".+-human\.csv"/,
    );
    const lines = (await response.text()).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',building,false,import,');
  });

  it('answers 401 to a signed-out request for a collection or a model export', async () => {
    const { collection } = makeCollection(app.db);
    const collectionResponse = await exportCollection(
      apiRequest(`/api/collections/${collection.id}/exports/csv`),
      exportParams(collection.id, 'csv'),
    );
    const modelResponse = await exportModel(
      apiRequest('/api/models/1/export'),
      params({ id: '1' }),
    );

    expect(collectionResponse.status).toBe(401);
    expect(modelResponse.status).toBe(401);
  });

  it('answers 422 for an unknown format and 409 for predictions without a model', async () => {
    const { collection } = makeCollection(app.db);
    const { cookie } = await signedInUser(app.db, 'admin');

    const unknown = await exportCollection(
      apiRequest(`/api/collections/${collection.id}/exports/xlsx`, { cookie }),
      exportParams(collection.id, 'xlsx'),
    );
    expect(unknown.status).toBe(422);
    expect((await errorOf(unknown)).message).toMatch(/format/);

    const noModel = await exportCollection(
      apiRequest(`/api/collections/${collection.id}/exports/coco?scope=model`, { cookie }),
      exportParams(collection.id, 'coco'),
    );
    expect(noModel.status).toBe(409);
  });

  it('streams: the first chunk arrives before the export has read the whole collection', async () => {
    const { collection } = makeCollection(app.db);
    for (let n = 0; n < 400; n++) makeItem(app.db, collection.id);
    const { cookie } = await signedInUser(app.db, 'curator');

    const response = await exportCollection(
      apiRequest(`/api/collections/${collection.id}/exports/jsonl?scope=all`, { cookie }),
      exportParams(collection.id, 'jsonl'),
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);

    // Had the export been built before answering, an item added now could not be in it.
    const late = makeItem(app.db, collection.id, { identifier: 'ADDED-AFTER-FIRST-CHUNK' });
    const decoder = new TextDecoder();
    let text = decoder.decode(first.value, { stream: true });
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
    }
    const identifiers = text
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { identifier: string }).identifier);
    expect(identifiers).toHaveLength(401);
    expect(identifiers.at(-1)).toBe(late.identifier);
  });
});

describe('GET /api/models/[id]/export', () => {
  it('zips the model folder with the thresholds in force', async () => {
    const { collection, labels } = makeCollection(app.db, ['a', 'b'], 'multi');
    const model = createTrainingModel(app.db, {
      collectionId: collection.id,
      kind: 'labeler',
      backbone: 'mobilenet-v2',
      backend: 'cpu',
      labelIds: labels.map((label) => label.id),
      seed: 1,
      snapshotAnnotationId: null,
    });
    const artifactPath = `models/${model.id}`;
    const folder = path.join(app.dataDir, artifactPath);
    fs.mkdirSync(folder, { recursive: true });
    for (const file of ['model.json', 'weights.bin', 'card.json', 'novelty.bin']) {
      fs.writeFileSync(path.join(folder, file), `contents of ${file}`);
    }
    activateReadyModel(app.db, model.id, {
      thresholds: [0.4, 0.7],
      noveltyThreshold: 1.5,
      metrics: {},
      card: {},
      trainCount: 1,
      validationCount: 1,
      durationMs: 1,
      artifactPath,
    });
    const { cookie } = await signedInUser(app.db, 'curator');

    const response = await exportModel(
      apiRequest(`/api/models/${model.id}/export`, { cookie }),
      params({ id: String(model.id) }),
    );
    expect(response.status).toBe(200);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-model-zip-'));
    try {
      fs.writeFileSync(path.join(out, 'model.zip'), Buffer.from(await response.arrayBuffer()));
      const files = await extractZip(path.join(out, 'model.zip'), path.join(out, 'model'));
      expect(files.sort()).toEqual([
        'card.json',
        'model.json',
        'novelty.bin',
        'thresholds.json',
        'weights.bin',
      ]);
      expect(fs.readFileSync(path.join(out, 'model', 'weights.bin'), 'utf8')).toBe(
        'contents of weights.bin',
      );
      expect(
        JSON.parse(fs.readFileSync(path.join(out, 'model', 'thresholds.json'), 'utf8')),
      ).toEqual({
        modelId: model.id,
        kind: 'labeler',
        labels: ['a', 'b'],
        thresholds: [0.4, 0.7],
        noveltyThreshold: 1.5,
      });
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses a model that is still training', async () => {
    const { collection, labels } = makeCollection(app.db);
    const model = createTrainingModel(app.db, {
      collectionId: collection.id,
      kind: 'classifier',
      backbone: 'mobilenet-v2',
      backend: 'cpu',
      labelIds: labels.map((label) => label.id),
      seed: 1,
      snapshotAnnotationId: null,
    });
    const { cookie } = await signedInUser(app.db, 'admin');

    const response = await exportModel(
      apiRequest(`/api/models/${model.id}/export`, { cookie }),
      params({ id: String(model.id) }),
    );
    expect(response.status).toBe(409);
  });
});
