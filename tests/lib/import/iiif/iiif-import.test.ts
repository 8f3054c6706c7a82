import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createCollection } from '@/lib/collections/collection-repo';
import { listItemsAfter } from '@/lib/collections/item-repo';
import { importIiif } from '@/lib/import/iiif/iiif-import';
import { createTestDatabase, type TestDatabase } from '../../../helpers/db';
import { startHttpServer, type TestHttpServer } from '../../../helpers/http-server';
import { answerImage } from '../../../helpers/iiif-images';

let server: TestHttpServer;
let testDb: TestDatabase;
let dataDir: string;

function serveJson(pathName: string, body: unknown) {
  server.route(pathName, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/ld+json' }).end(JSON.stringify(body));
  });
}

function v3Manifest(origin: string) {
  const image = (name: string, extra: Record<string, unknown> = {}) => ({
    id: `${origin}/img/${name}/full/max/0/default.jpg`,
    type: 'Image',
    format: 'image/jpeg',
    width: 4000,
    height: 3000,
    service: [{ id: `${origin}/img/${name}`, type: 'ImageService3', profile: 'level2' }],
    ...extra,
  });
  const canvas = (n: number, body: unknown, label: unknown = { en: [`p. ${n}`] }) => ({
    id: `${origin}/v3/canvas/${n}`,
    type: 'Canvas',
    label,
    width: 4000,
    height: 3000,
    items: [
      {
        id: `${origin}/v3/page/${n}`,
        type: 'AnnotationPage',
        items: body
          ? [
              {
                id: `${origin}/v3/anno/${n}`,
                type: 'Annotation',
                motivation: 'painting',
                body,
                target: `${origin}/v3/canvas/${n}`,
              },
            ]
          : [],
      },
    ],
  });
  return {
    '@context': 'http://iiif.io/api/presentation/3/context.json',
    id: `${origin}/v3/manifest.json`,
    type: 'Manifest',
    label: { en: ['Book of hours'], fr: ['Livre d’heures'] },
    summary: { en: ['<p>A <b>small</b> book &amp; its pages.</p>'] },
    metadata: [
      { label: { en: ['Date'] }, value: { none: ['c. 1450'] } },
      { label: { en: ['Place'] }, value: { de: ['Köln'], en: ['Cologne'] } },
    ],
    rights: 'http://creativecommons.org/licenses/by/4.0/',
    requiredStatement: {
      label: { en: ['Attribution'] },
      value: { en: ['<span>Test Library</span>'] },
    },
    items: [
      canvas(1, image('one')),
      canvas(2, {
        type: 'Choice',
        items: [image('natural'), image('xray')],
      }),
      canvas(3, {
        id: `${origin}/plain/page3.jpg`,
        type: 'Image',
        format: 'image/jpeg',
      }),
      canvas(4, {
        type: 'SpecificResource',
        source: image('crop'),
        selector: { type: 'ImageApiSelector', region: '100,200,800,600' },
      }),
      canvas(5, null, { en: ['missing'] }),
    ],
  };
}

function v2Manifest(origin: string) {
  const canvas = (n: number) => ({
    '@id': `${origin}/v2/canvas/${n}`,
    '@type': 'sc:Canvas',
    label: `folio ${n}`,
    width: 2000,
    height: 1500,
    images: [
      {
        '@type': 'oa:Annotation',
        motivation: 'sc:painting',
        on: `${origin}/v2/canvas/${n}`,
        resource: {
          '@id': `${origin}/img/v2-${n}/full/full/0/default.jpg`,
          '@type': 'dctypes:Image',
          format: 'image/jpeg',
          service: {
            '@context': 'http://iiif.io/api/image/2/context.json',
            '@id': `${origin}/img/v2-${n}`,
            profile: 'http://iiif.io/api/image/2/level0.json',
            sizes: [
              { width: 200, height: 150 },
              { width: 1000, height: 750 },
              { width: 2000, height: 1500 },
            ],
          },
        },
      },
    ],
  });
  return {
    '@context': 'http://iiif.io/api/presentation/2/context.json',
    '@id': `${origin}/v2/manifest.json`,
    '@type': 'sc:Manifest',
    label: 'Letter, 1882',
    description: 'A letter and its envelope.',
    license: 'https://creativecommons.org/licenses/by-sa/4.0/',
    attribution: 'Test Archive',
    metadata: [{ label: 'Author', value: '<a href="x">A. Writer</a>' }],
    sequences: [{ '@type': 'sc:Sequence', canvases: [canvas(1), canvas(2)] }],
  };
}

beforeAll(async () => {
  server = await startHttpServer();
  serveJson('/v3/manifest.json', v3Manifest(server.origin));
  serveJson('/v2/manifest.json', v2Manifest(server.origin));
  serveJson('/collection.json', {
    '@context': 'http://iiif.io/api/presentation/3/context.json',
    id: `${server.origin}/collection.json`,
    type: 'Collection',
    label: { en: ['Both'] },
    items: [
      { id: `${server.origin}/v3/manifest.json`, type: 'Manifest' },
      { id: `${server.origin}/v2/manifest.json`, type: 'Manifest' },
      { id: `${server.origin}/gone.json`, type: 'Manifest' },
    ],
  });
  serveJson('/loop.json', {
    id: `${server.origin}/loop.json`,
    type: 'Collection',
    items: [
      { id: `${server.origin}/loop.json`, type: 'Collection' },
      { id: `${server.origin}/v2/manifest.json`, type: 'Manifest' },
    ],
  });
  server.routePrefix('/chain/', (_request, response, url) => {
    const depth = Number(/\/chain\/(\d+)\.json$/.exec(url.pathname)?.[1] ?? '0');
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `${server.origin}/chain/${depth}.json`,
        type: 'Collection',
        items: [{ id: `${server.origin}/chain/${depth + 1}.json`, type: 'Collection' }],
      }),
    );
  });
  server.routePrefix('/img/', (_request, response, url) =>
    answerImage(url.pathname.slice('/img/'.length), response),
  );
  server.routePrefix('/plain/', (_request, response, url) => answerImage(url.pathname, response));
});

afterAll(() => server.close());

beforeEach(() => {
  testDb = createTestDatabase();
  dataDir = path.join(testDb.dir, 'data');
  fs.mkdirSync(dataDir);
});

afterEach(() => testDb.close());

function run(url: string, collectionId: number) {
  return importIiif(testDb.db, {
    url,
    collectionId,
    dataDir,
    fetch: { allowPrivate: true },
  });
}

function target() {
  return createCollection(testDb.db, { name: 'IIIF', annotationMode: 'single' }).id;
}

describe('importIiif', () => {
  it('imports a v3 manifest as one item per canvas with its metadata, rights and crops', async () => {
    const collectionId = target();
    const report = await run(`${server.origin}/v3/manifest.json`, collectionId);

    expect(report).toMatchObject({ manifestsRead: 1, canvasesFound: 5, added: 4 });
    expect(report.failures).toEqual([
      { path: `${server.origin}/v3/canvas/5`, reason: 'the canvas has no painting image; skipped' },
    ]);

    const items = listItemsAfter(testDb.db, collectionId, 0, 10);
    const byUri = new Map(items.map((item) => [item.sourceUri, item]));
    const first = byUri.get(`${server.origin}/v3/canvas/1`);
    expect(first).toMatchObject({
      sourceKind: 'iiif',
      title: 'Book of hours — p. 1',
      width: 1024,
      height: 768,
    });
    expect(first?.metadata).toMatchObject({
      manifestId: `${server.origin}/v3/manifest.json`,
      canvasId: `${server.origin}/v3/canvas/1`,
      manifestLabel: {
        text: 'Book of hours',
        language: 'en',
        translations: { fr: 'Livre d’heures' },
      },
      summary: { text: 'A small book & its pages.', language: 'en' },
      metadata: [
        { label: 'Date', value: 'c. 1450', language: null },
        {
          label: 'Place',
          value: 'Cologne',
          language: 'en',
          translations: { de: 'Köln', en: 'Cologne' },
        },
      ],
      rights: 'http://creativecommons.org/licenses/by/4.0/',
      requiredStatement: { label: 'Attribution', value: 'Test Library' },
      imageUrl: `${server.origin}/img/one/full/!1024,1024/0/default.jpg`,
    });
    // The Choice's first item is its default; the crop is asked of the image service.
    expect(byUri.get(`${server.origin}/v3/canvas/2`)?.metadata).toMatchObject({
      imageUrl: `${server.origin}/img/natural/full/!1024,1024/0/default.jpg`,
    });
    expect(byUri.get(`${server.origin}/v3/canvas/4`)).toMatchObject({ width: 800, height: 600 });
    expect(byUri.get(`${server.origin}/v3/canvas/4`)?.metadata).toMatchObject({
      region: '100,200,800,600',
      imageUrl: `${server.origin}/img/crop/100,200,800,600/max/0/default.jpg`,
    });
    // No service: the body URL itself.
    expect(byUri.get(`${server.origin}/v3/canvas/3`)).toMatchObject({ width: 300, height: 200 });
  });

  it('imports a v2 manifest through the upgrade, picking a listed size from a level 0 service', async () => {
    const collectionId = target();
    const report = await run(`${server.origin}/v2/manifest.json`, collectionId);

    expect(report).toMatchObject({ manifestsRead: 1, canvasesFound: 2, added: 2, failures: [] });
    const [first] = listItemsAfter(testDb.db, collectionId, 0, 10);
    expect(first).toMatchObject({ title: 'Letter, 1882 — folio 1', width: 1000, height: 750 });
    expect(first.metadata).toMatchObject({
      canvasId: `${server.origin}/v2/canvas/1`,
      imageUrl: `${server.origin}/img/v2-1/full/1000,/0/default.jpg`,
      rights: 'https://creativecommons.org/licenses/by-sa/4.0/',
      requiredStatement: { value: 'Test Archive' },
      metadata: [{ label: 'Author', value: 'A. Writer' }],
      summary: { text: 'A letter and its envelope.' },
    });
  });

  it('follows a collection to its manifests and reports a member that cannot be fetched', async () => {
    const collectionId = target();
    const report = await run(`${server.origin}/collection.json`, collectionId);

    expect(report).toMatchObject({ manifestsRead: 2, added: 6 });
    expect(report.failures).toContainEqual({
      path: `${server.origin}/gone.json`,
      reason: `${server.origin}/gone.json answered HTTP 404`,
    });
  });

  it('reads each document once, so a collection that lists itself ends', async () => {
    const collectionId = target();
    const report = await run(`${server.origin}/loop.json`, collectionId);

    expect(report).toMatchObject({ manifestsRead: 1, added: 2, duplicates: 0 });
    expect(report.notes).toEqual([
      { path: `${server.origin}/loop.json`, reason: 'already read in this import; skipped' },
    ]);
  });

  it('stops following nested collections at the depth limit', async () => {
    const collectionId = target();
    const report = await importIiif(testDb.db, {
      url: `${server.origin}/chain/0.json`,
      collectionId,
      dataDir,
      fetch: { allowPrivate: true },
      limits: { maxDepth: 2 },
    });

    expect(report.notes).toEqual([
      {
        path: `${server.origin}/chain/3.json`,
        reason: 'collection nested deeper than 2 levels; not read',
      },
    ]);
  });

  it('refreshes metadata instead of duplicating items when imported again', async () => {
    const collectionId = target();
    await run(`${server.origin}/v2/manifest.json`, collectionId);
    const requestsBefore = server.requests.length;

    const again = await run(`${server.origin}/v2/manifest.json`, collectionId);

    expect(again).toMatchObject({ added: 0, alreadyPresent: 2 });
    expect(listItemsAfter(testDb.db, collectionId, 0, 10)).toHaveLength(2);
    // Only the manifest was fetched again, not the images.
    expect(server.requests.length - requestsBefore).toBe(1);
  });

  it('fails with a message naming the URL when the manifest cannot be fetched', async () => {
    const collectionId = target();
    await expect(
      importIiif(testDb.db, {
        url: `${server.origin}/v3/manifest.json`,
        collectionId,
        dataDir,
        fetch: { allowPrivate: false },
      }),
    ).rejects.toThrow(/127\.0\.0\.1 is a private or local address/);
  });
});
