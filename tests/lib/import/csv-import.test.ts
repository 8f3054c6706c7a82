import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listCurrentAnnotations, listItemHistory } from '@/lib/annotation/annotation-repo';
import { appendAnnotation } from '@/lib/annotation/annotation-repo';
import { createCollection, listLabels } from '@/lib/collections/collection-repo';
import { findItemByIdentifier, listItemsAfter } from '@/lib/collections/item-repo';
import { importCsv } from '@/lib/import/csv-import';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeImage, makeTruncatedJpeg } from '../../helpers/images';
import { startHttpServer, type TestHttpServer } from '../../helpers/http-server';
import { answerImage } from '../../helpers/iiif-images';
import { makeZip } from '../../helpers/zips';

let server: TestHttpServer;
let testDb: TestDatabase;
let dataDir: string;
let zipPath: string;

beforeAll(async () => {
  server = await startHttpServer();
  server.routePrefix('/img/', (_request, response, url) => answerImage(url.pathname, response));
  server.route('/manifest.json', (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `${server.origin}/manifest.json`,
        type: 'Manifest',
        label: { en: ['A map'] },
        items: [
          {
            id: `${server.origin}/canvas/1`,
            type: 'Canvas',
            items: [
              {
                type: 'AnnotationPage',
                items: [
                  {
                    type: 'Annotation',
                    motivation: 'painting',
                    body: { id: `${server.origin}/img/map.jpg`, type: 'Image' },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
  });
});

afterAll(() => server.close());

beforeEach(async () => {
  testDb = createTestDatabase();
  dataDir = path.join(testDb.dir, 'data');
  fs.mkdirSync(dataDir);
  zipPath = path.join(testDb.dir, 'images.zip');
  fs.writeFileSync(
    zipPath,
    await makeZip([
      { name: 'scans/a.jpg', data: await makeImage(1) },
      { name: 'scans/b.jpg', data: await makeImage(2) },
      { name: 'scans/broken.jpg', data: await makeTruncatedJpeg(3) },
    ]),
  );
});

afterEach(() => testDb.close());

function collection(mode: 'single' | 'multi' = 'multi') {
  return createCollection(testDb.db, { name: `CSV ${mode}`, annotationMode: mode }).id;
}

function run(collectionId: number, csvText: string, withZip = true) {
  return importCsv(testDb.db, {
    collectionId,
    csvText,
    zip: withZip ? zipPath : undefined,
    dataDir,
    fetch: { allowPrivate: true },
  });
}

const CSV = [
  'dcterms:identifier,dcterms:title,dcterms:creator,dcterms:date,media,labels',
  'obj-1,First print,"Smith, J.",1890,scans/a.jpg,ship|harbour',
  'obj-2,Second print,,1901,scans/b.jpg,none',
  'obj-3,Remote,,,IMG_URL,',
  'obj-4,From a manifest,,,MANIFEST_URL,ship',
].join('\n');

function csv(text = CSV) {
  return text
    .replace('IMG_URL', `${server.origin}/img/remote.jpg`)
    .replace('MANIFEST_URL', `${server.origin}/manifest.json`);
}

describe('importCsv', () => {
  it('imports rows with their Dublin Core metadata, media from the zip, URLs and manifests', async () => {
    const collectionId = collection();
    const report = await run(collectionId, csv());

    expect(report).toMatchObject({
      rows: 4,
      added: 4,
      updated: 0,
      failures: [],
      annotationsCreated: 3,
    });
    expect(report.labelsCreated).toEqual(['ship', 'harbour']);
    const first = findItemByIdentifier(testDb.db, collectionId, 'obj-1');
    expect(first).toMatchObject({
      sourceKind: 'csv',
      sourceUri: 'scans/a.jpg',
      title: 'First print',
    });
    expect(first?.metadata).toEqual({
      'dcterms:identifier': 'obj-1',
      'dcterms:title': 'First print',
      'dcterms:creator': 'Smith, J.',
      'dcterms:date': '1890',
    });
    expect(findItemByIdentifier(testDb.db, collectionId, 'obj-4')?.sourceUri).toBe(
      `${server.origin}/canvas/1`,
    );
    const kinds = listCurrentAnnotations(testDb.db, collectionId)
      .map((a) => a.kind)
      .sort();
    expect(kinds).toEqual(['labels', 'labels', 'none']);
  });

  it('updates metadata on re-import instead of duplicating items or annotations', async () => {
    const collectionId = collection();
    await run(collectionId, csv());

    const again = await run(collectionId, csv().replace('First print', '"First print, corrected"'));

    expect(again).toMatchObject({ rows: 4, added: 0, updated: 4, annotationsCreated: 0 });
    expect(listItemsAfter(testDb.db, collectionId, 0, 10)).toHaveLength(4);
    const first = findItemByIdentifier(testDb.db, collectionId, 'obj-1');
    expect(first?.title).toBe('First print, corrected');
    expect(listItemHistory(testDb.db, first?.id ?? 0)).toHaveLength(1);
  });

  it('records changed labels from a re-import but never overrides a person', async () => {
    const collectionId = collection();
    await run(collectionId, csv());
    const second = findItemByIdentifier(testDb.db, collectionId, 'obj-2');
    const ship = listLabels(testDb.db, collectionId).find((label) => label.name === 'ship');
    appendAnnotation(testDb.db, {
      itemId: second?.id ?? 0,
      userId: null,
      labelIds: [ship?.id ?? 0],
      none: false,
      source: 'human',
    });

    const again = await run(
      collectionId,
      csv().replace('ship|harbour', 'harbour').replace('scans/b.jpg,none', 'scans/b.jpg,harbour'),
    );

    expect(again.annotationsCreated).toBe(1);
    expect(listItemHistory(testDb.db, second?.id ?? 0)[0].source).toBe('human');
  });

  it('reports bad rows by number and reason and imports the rest', async () => {
    const collectionId = collection('single');
    const report = await run(
      collectionId,
      [
        'dcterms:identifier,dcterms:title,file,labels',
        ',No identifier,scans/a.jpg,',
        'x-1,Good,scans/a.jpg,ship',
        'x-1,Repeated,scans/b.jpg,',
        'x-2,Broken,scans/broken.jpg,',
        'x-3,Missing,scans/nothing.jpg,',
        'x-4,Unreachable,http://127.0.0.1:9/none.jpg,',
        'x-5,Escape,../etc/passwd,',
        'x-6,No media,,',
        'x-7,Two labels,scans/b.jpg,ship|boat',
        'x-8,Unquoted, comma,scans/b.jpg,ship',
      ].join('\n'),
    );

    expect(report.added).toBe(2);
    expect(report.failures.map(({ path: where, reason }) => `${where}: ${reason}`)).toEqual([
      'row 2: no dcterms:identifier',
      'row 4 (x-1): the identifier repeats row 3; skipped',
      'row 5 (x-2): scans/broken.jpg: truncated JPEG',
      'row 6 (x-3): scans/nothing.jpg is not in the zip (or was refused from it)',
      'row 7 (x-4): http://127.0.0.1:9/none.jpg could not be fetched (ECONNREFUSED)',
      'row 8 (x-5): ../etc/passwd: path leads out of the archive (".."); refused',
      'row 9 (x-6): no media (a media, image, file column)',
      'row 10 (x-7): 2 labels, but the collection takes one per item; no labels recorded',
      'row 11: 5 fields, but the header has 4; skipped',
    ]);
  });

  it('refuses a CSV without an identifier column', async () => {
    const collectionId = collection();
    await expect(run(collectionId, 'title,media\nA,a.jpg', false)).rejects.toThrow(
      /no dcterms:identifier column/,
    );
  });

  it('leaves no scratch files behind', async () => {
    const collectionId = collection();
    await run(collectionId, csv());
    expect(fs.readdirSync(path.join(dataDir, 'tmp'))).toEqual([]);
  });
});
