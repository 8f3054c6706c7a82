import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as startFolderImport } from '@/app/api/collections/[id]/imports/folder/route';
import { GET as getJob } from '@/app/api/jobs/[id]/route';
import { createCollection } from '@/lib/collections/collection-repo';
import { resetEnvForTests } from '@/lib/env';
import type { Job } from '@/lib/jobs/job-repo';
import {
  apiRequest,
  errorOf,
  params,
  signedInUser,
  startTestApp,
  type TestApp,
} from '../../helpers/app';
import { makeImage, makeTruncatedJpeg, writeTree } from '../../helpers/images';

let app: TestApp;
let importRoot: string;
let collectionId: number;

function setImportRoots(value: string | undefined) {
  if (value === undefined) delete process.env.CURIO_IMPORT_ROOTS;
  else process.env.CURIO_IMPORT_ROOTS = value;
  resetEnvForTests();
}

beforeEach(() => {
  app = startTestApp();
  importRoot = path.join(app.dataDir, 'incoming');
  fs.mkdirSync(importRoot);
  setImportRoots(importRoot);
  collectionId = createCollection(app.db, { name: 'Boats', annotationMode: 'single' }).id;
});

afterEach(() => {
  setImportRoots(undefined);
  app.close();
});

function startImport(cookie: string, folder: string) {
  return startFolderImport(
    apiRequest(`/api/collections/${collectionId}/imports/folder`, {
      method: 'POST',
      cookie,
      body: { path: folder },
    }),
    params({ id: String(collectionId) }),
  );
}

async function waitForJob(cookie: string, id: number): Promise<Job> {
  for (;;) {
    const response = await getJob(
      apiRequest(`/api/jobs/${id}`, { cookie }),
      params({ id: String(id) }),
    );
    const { job } = (await response.json()) as { job: Job };
    if (job.state !== 'queued' && job.state !== 'running') return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /api/collections/[id]/imports/folder', () => {
  it('answers 202 with a job that finishes with the import report, readable by a reviewer', async () => {
    writeTree(importRoot, {
      'set-1/steamer/a.jpg': await makeImage(1),
      'set-1/steamer/b.jpg': await makeTruncatedJpeg(2),
    });
    const { cookie } = await signedInUser(app.db, 'admin');
    const reviewer = await signedInUser(app.db, 'reviewer');

    const response = await startImport(cookie, path.join(importRoot, 'set-1'));

    expect(response.status).toBe(202);
    const { job } = (await response.json()) as { job: Job };
    const finished = await waitForJob(reviewer.cookie, job.id);
    expect(finished).toMatchObject({
      state: 'succeeded',
      kind: 'import',
      progress: { done: 2, total: 2 },
      result: {
        added: 1,
        labelsCreated: ['steamer'],
        failures: [{ path: 'steamer/b.jpg', reason: 'truncated JPEG' }],
      },
    });
  });

  it('refuses a folder outside the import roots, even through ../', async () => {
    const outside = path.join(app.dataDir, 'private');
    fs.mkdirSync(outside);
    const { cookie } = await signedInUser(app.db, 'admin');

    const response = await startImport(cookie, path.join(importRoot, '..', 'private'));

    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toMatch(/outside the folders open for import/);
  });

  it('refuses a symbolic link inside a root that leads out of it', async () => {
    fs.mkdirSync(path.join(app.dataDir, 'private'));
    fs.symlinkSync(path.join(app.dataDir, 'private'), path.join(importRoot, 'sneaky'));
    const { cookie } = await signedInUser(app.db, 'admin');

    const response = await startImport(cookie, 'sneaky');

    expect(response.status).toBe(403);
  });

  it('says how to configure import roots when none are set', async () => {
    setImportRoots(undefined);
    const { cookie } = await signedInUser(app.db, 'admin');

    const response = await startImport(cookie, importRoot);

    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toMatch(/Set CURIO_IMPORT_ROOTS/);
  });

  it('forbids curators to import server folders', async () => {
    const { cookie } = await signedInUser(app.db, 'curator');

    const response = await startImport(cookie, importRoot);

    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toMatch(/item:import-server-folder/);
  });

  it('answers 422 for a folder that does not exist', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');

    const response = await startImport(cookie, 'nowhere');

    expect(response.status).toBe(422);
  });
});

describe('GET /api/jobs/[id]', () => {
  it('answers 404 for an unknown job', async () => {
    const { cookie } = await signedInUser(app.db, 'reviewer');

    const response = await getJob(apiRequest('/api/jobs/999', { cookie }), params({ id: '999' }));

    expect(response.status).toBe(404);
  });
});
