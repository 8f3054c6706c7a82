import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as uploadImages } from '@/app/api/collections/[id]/imports/upload/route';
import { POST as uploadZip } from '@/app/api/collections/[id]/imports/zip/route';
import { POST as importCsvRoute } from '@/app/api/collections/[id]/imports/csv/route';
import { POST as importIiifRoute } from '@/app/api/collections/[id]/imports/iiif/route';
import { GET as getJob } from '@/app/api/jobs/[id]/route';
import { createCollection } from '@/lib/collections/collection-repo';
import type { UploadImportReport } from '@/lib/import/upload-import';
import type { Job } from '@/lib/jobs/job-repo';
import {
  apiRequest,
  errorOf,
  ORIGIN,
  params,
  signedInUser,
  startTestApp,
  type TestApp,
} from '../../helpers/app';
import { makeImage, makeTruncatedJpeg } from '../../helpers/images';
import { makeZip } from '../../helpers/zips';

let app: TestApp;
let collectionId: number;

beforeEach(() => {
  // Small enough that a test can send a file over it without building megabytes.
  process.env.CURIO_MAX_UPLOAD_BYTES = '50000';
  app = startTestApp();
  collectionId = createCollection(app.db, { name: 'Prints', annotationMode: 'single' }).id;
});

afterEach(() => {
  app.close();
  delete process.env.CURIO_MAX_UPLOAD_BYTES;
});

function multipart(cookie: string, files: { name: string; bytes: Buffer }[], headers = {}) {
  const form = new FormData();
  for (const file of files) form.append('files', new Blob([new Uint8Array(file.bytes)]), file.name);
  return new Request(`${ORIGIN}/api/collections/${collectionId}/imports/upload`, {
    method: 'POST',
    headers: { cookie, origin: ORIGIN, host: 'localhost', ...headers },
    body: form,
  });
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

function itemCount(): number {
  const row = app.db.$client
    .prepare('select count(*) as n from items where collection_id = ?')
    .get(collectionId) as { n: number };
  return row.n;
}

describe('POST /api/collections/[id]/imports/upload', () => {
  it('stores good images and reports corrupt, non-image and oversize files by name', async () => {
    const { cookie } = await signedInUser(app.db, 'curator');
    const good = await makeImage(1);
    const response = await uploadImages(
      multipart(cookie, [
        { name: 'good.jpg', bytes: good },
        { name: 'copy.jpg', bytes: good },
        { name: 'broken.jpg', bytes: await makeTruncatedJpeg(2) },
        { name: 'notes.txt', bytes: Buffer.from('not an image') },
        { name: 'huge.png', bytes: await makeImage(3, 'png', 200, 200) },
      ]),
      params({ id: String(collectionId) }),
    );

    expect(response.status).toBe(200);
    const { report } = (await response.json()) as { report: UploadImportReport };
    expect(report).toMatchObject({ filesFound: 5, added: 1, duplicates: 1 });
    expect(report.failures).toEqual([
      { path: 'broken.jpg', reason: 'truncated JPEG' },
      { path: 'notes.txt', reason: 'not an image (or not a format Curio reads)' },
      { path: 'huge.png', reason: expect.stringMatching(/^larger than 49 kB/) },
    ]);
    expect(itemCount()).toBe(1);
  });

  it('adds nothing when the same image is uploaded again', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const bytes = await makeImage(4);
    const send = () =>
      uploadImages(
        multipart(cookie, [{ name: 'a.jpg', bytes }]),
        params({ id: String(collectionId) }),
      );
    await send();
    const { report } = (await (await send()).json()) as { report: UploadImportReport };
    expect(report).toMatchObject({ added: 0, alreadyPresent: 1 });
    expect(itemCount()).toBe(1);
  });

  it('answers 413 with a clear message when the batch declares more than the total cap', async () => {
    const { cookie } = await signedInUser(app.db, 'curator');
    const response = await uploadImages(
      multipart(cookie, [{ name: 'a.jpg', bytes: await makeImage(5) }], {
        'content-length': String(300 * 1024 * 1024),
      }),
      params({ id: String(collectionId) }),
    );
    expect(response.status).toBe(413);
    expect((await errorOf(response)).message).toMatch(/upload batch is larger than 256 MB/);
  });

  it('is refused to a reviewer', async () => {
    const { cookie } = await signedInUser(app.db, 'reviewer');
    const response = await uploadImages(
      multipart(cookie, [{ name: 'a.jpg', bytes: await makeImage(6) }]),
      params({ id: String(collectionId) }),
    );
    expect(response.status).toBe(403);
  });
});

describe('POST /api/collections/[id]/imports/zip', () => {
  it('streams the archive to disk and imports it in a job that reports bad entries', async () => {
    const { cookie } = await signedInUser(app.db, 'curator');
    const zip = await makeZip([
      { name: 'ships/a.jpg', data: await makeImage(7) },
      { name: '../../evil.jpg', data: await makeImage(8) },
    ]);
    const response = await uploadZip(
      new Request(`${ORIGIN}/api/collections/${collectionId}/imports/zip?name=ships.zip`, {
        method: 'POST',
        headers: { cookie, origin: ORIGIN, host: 'localhost', 'content-type': 'application/zip' },
        body: new Uint8Array(zip),
      }),
      params({ id: String(collectionId) }),
    );

    expect(response.status).toBe(202);
    const { job } = (await response.json()) as { job: Job };
    const finished = await waitForJob(cookie, job.id);
    expect(finished.state).toBe('succeeded');
    expect(finished.result).toMatchObject({
      source: 'zip',
      fileName: 'ships.zip',
      added: 1,
      labelsCreated: ['ships'],
      failures: [{ path: '../../evil.jpg', reason: expect.stringContaining('refused') }],
    });
    // The uploaded archive and the scratch folder are gone once the job ends.
    expect(fs.readdirSync(path.join(app.dataDir, 'tmp'))).toEqual([]);
  });
});

describe('POST /api/collections/[id]/imports/csv', () => {
  it('imports a CSV with a zip of its images in a job', async () => {
    const { cookie } = await signedInUser(app.db, 'curator');
    const form = new FormData();
    const csv =
      'dcterms:identifier,dcterms:title,file,labels\nA-1,Anchor,a.jpg,boat\nA-2,,gone.jpg,\n';
    form.append('csv', new Blob([csv], { type: 'text/csv' }), 'items.csv');
    const zip = await makeZip([{ name: 'a.jpg', data: await makeImage(9) }]);
    form.append('zip', new Blob([new Uint8Array(zip)]), 'images.zip');

    const response = await importCsvRoute(
      new Request(`${ORIGIN}/api/collections/${collectionId}/imports/csv`, {
        method: 'POST',
        headers: { cookie, origin: ORIGIN, host: 'localhost' },
        body: form,
      }),
      params({ id: String(collectionId) }),
    );

    expect(response.status).toBe(202);
    const { job } = (await response.json()) as { job: Job };
    const finished = await waitForJob(cookie, job.id);
    expect(finished.result).toMatchObject({
      source: 'csv',
      added: 1,
      labelsCreated: ['boat'],
      failures: [
        { path: 'row 3 (A-2)', reason: 'gone.jpg is not in the zip (or was refused from it)' },
      ],
    });
    expect(fs.readdirSync(path.join(app.dataDir, 'tmp'))).toEqual([]);
  });
});

describe('POST /api/collections/[id]/imports/iiif', () => {
  it('answers 422 for a URL that is not http(s)', async () => {
    const { cookie } = await signedInUser(app.db, 'curator');
    const response = await importIiifRoute(
      apiRequest(`/api/collections/${collectionId}/imports/iiif`, {
        method: 'POST',
        cookie,
        body: { url: 'ftp://example.org/manifest.json' },
      }),
      params({ id: String(collectionId) }),
    );
    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toMatch(/http\(s\) URL of a IIIF manifest/);
  });

  it('fails the job with a message naming the URL when the address is private', async () => {
    const { cookie } = await signedInUser(app.db, 'curator');
    const response = await importIiifRoute(
      apiRequest(`/api/collections/${collectionId}/imports/iiif`, {
        method: 'POST',
        cookie,
        body: { url: 'http://10.0.0.1/manifest.json' },
      }),
      params({ id: String(collectionId) }),
    );
    const { job } = (await response.json()) as { job: Job };
    const finished = await waitForJob(cookie, job.id);
    expect(finished.state).toBe('failed');
    expect(finished.error).toMatch(/http:\/\/10\.0\.0\.1\/manifest\.json was refused/);
  });
});
