import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCollection, listLabels } from '@/lib/collections/collection-repo';
import { listCurrentAnnotations } from '@/lib/annotation/annotation-repo';
import { importFolder } from '@/lib/import/folder-import';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeImage, makeTruncatedJpeg, writeTree } from '../../helpers/images';

let testDb: TestDatabase;
let source: string;

beforeEach(() => {
  testDb = createTestDatabase();
  source = path.join(testDb.dir, 'source');
  fs.mkdirSync(source);
});

afterEach(() => testDb.close());

function collection(mode: 'single' | 'multi' = 'single') {
  return createCollection(testDb.db, { name: `Test ${mode}`, annotationMode: mode });
}

function run(collectionId: number, root = source) {
  return importFolder(testDb.db, { root, collectionId, dataDir: testDb.dir });
}

function itemCount(collectionId: number): number {
  const row = testDb.db.$client
    .prepare('select count(*) as n from items where collection_id = ?')
    .get(collectionId) as { n: number };
  return row.n;
}

function labelsBySourceUri(collectionId: number): Record<string, string[]> {
  const names = new Map(listLabels(testDb.db, collectionId).map((label) => [label.id, label.name]));
  const uris = new Map(
    (
      testDb.db.$client
        .prepare('select id, source_uri as uri from items where collection_id = ?')
        .all(collectionId) as { id: number; uri: string }[]
    ).map((row) => [row.id, row.uri]),
  );
  return Object.fromEntries(
    listCurrentAnnotations(testDb.db, collectionId).map((annotation) => [
      uris.get(annotation.itemId),
      annotation.labelIds.map((id) => names.get(id) ?? '?').sort(),
    ]),
  );
}

describe('importFolder', () => {
  it('turns a folder-per-label tree into labeled items with import annotations', async () => {
    writeTree(source, {
      'cat/a.jpg': await makeImage(1),
      'cat/b.png': await makeImage(2, 'png'),
      'dog/c.jpg': await makeImage(3),
      'dog/nested/d.webp': await makeImage(4, 'webp'),
      'SOURCE.md': '# Where these came from',
    });
    const { id } = collection();

    const report = await run(id);

    expect(report).toMatchObject({
      filesFound: 4,
      added: 4,
      alreadyPresent: 0,
      labelsCreated: ['cat', 'dog'],
      annotationsCreated: 4,
      failures: [],
      skipped: [{ path: 'SOURCE.md', reason: 'metadata file in the root' }],
    });
    expect(labelsBySourceUri(id)).toEqual({
      'cat/a.jpg': ['cat'],
      'cat/b.png': ['cat'],
      'dog/c.jpg': ['dog'],
      'dog/nested/d.webp': ['dog'],
    });
    const sources = testDb.db.$client.prepare('select distinct source from annotations').all();
    expect(sources).toEqual([{ source: 'import' }]);
  });

  it('imports a flat folder as unlabeled items and creates no labels', async () => {
    writeTree(source, { 'a.jpg': await makeImage(1), 'b.jpg': await makeImage(2) });
    const { id } = collection();

    const report = await run(id);

    expect(report).toMatchObject({ added: 2, labelsCreated: [], annotationsCreated: 0 });
    expect(listLabels(testDb.db, id)).toEqual([]);
    expect(itemCount(id)).toBe(2);
  });

  it('imports root images unlabeled and sub-folder images labeled in a mixed folder', async () => {
    writeTree(source, { 'loose.jpg': await makeImage(1), 'boat/b.jpg': await makeImage(2) });
    const { id } = collection();

    const report = await run(id);

    expect(report.added).toBe(2);
    expect(labelsBySourceUri(id)).toEqual({ 'boat/b.jpg': ['boat'] });
  });

  it('adds nothing on a second run over the same folder', async () => {
    writeTree(source, { 'cat/a.jpg': await makeImage(1), 'dog/b.jpg': await makeImage(2) });
    const { id } = collection();
    await run(id);
    const annotationsBefore = testDb.db.$client
      .prepare('select count(*) as n from annotations')
      .get();

    const again = await run(id);

    expect(again).toMatchObject({
      added: 0,
      alreadyPresent: 2,
      labelsCreated: [],
      annotationsCreated: 0,
    });
    expect(itemCount(id)).toBe(2);
    expect(testDb.db.$client.prepare('select count(*) as n from annotations').get()).toEqual(
      annotationsBefore,
    );
  });

  it('reports a truncated JPEG and a text file by name, imports the rest and stores nothing else', async () => {
    writeTree(source, {
      'cat/good.jpg': await makeImage(1),
      'cat/broken.jpg': await makeTruncatedJpeg(2),
      'cat/notes.txt': 'Remember to photograph the verso.',
      'dog/good.jpg': await makeImage(3),
      '.DS_Store': 'finder junk',
      'dog/._good.jpg': 'resource fork',
    });
    const { id } = collection();

    const report = await run(id);

    expect(report.failures).toEqual([
      { path: 'cat/broken.jpg', reason: 'truncated JPEG' },
      { path: 'cat/notes.txt', reason: expect.stringMatching(/^not an image/) },
    ]);
    expect(report).toMatchObject({ filesFound: 4, added: 2, annotationsCreated: 2 });
    expect(itemCount(id)).toBe(2);
    const stored = fs.readdirSync(path.join(testDb.dir, 'items', String(id)), { recursive: true });
    expect(stored.filter((entry) => String(entry).includes('.')).length).toBe(2);
  });

  it('gives an image found in two label folders both labels in a multi-label collection', async () => {
    const shared = await makeImage(7);
    writeTree(source, {
      'boat/x.jpg': shared,
      'river/x-copy.jpg': shared,
      'river/y.jpg': await makeImage(8),
    });
    const { id } = collection('multi');

    const report = await run(id);

    expect(report).toMatchObject({ added: 2, duplicates: 1, annotationsCreated: 2, conflicts: [] });
    expect(labelsBySourceUri(id)).toEqual({
      'boat/x.jpg': ['boat', 'river'],
      'river/y.jpg': ['river'],
    });
  });

  it('imports an image found in two label folders unlabeled in a single-label collection and reports the conflict', async () => {
    const shared = await makeImage(7);
    writeTree(source, { 'boat/x.jpg': shared, 'river/x-copy.jpg': shared });
    const { id } = collection('single');

    const report = await run(id);

    expect(report.conflicts).toEqual([
      { paths: ['boat/x.jpg', 'river/x-copy.jpg'], labels: ['boat', 'river'] },
    ]);
    expect(report).toMatchObject({ added: 1, annotationsCreated: 0 });
  });

  it('refuses a symbolic link that leads outside the import folder', async () => {
    const outside = path.join(testDb.dir, 'outside.jpg');
    fs.writeFileSync(outside, await makeImage(9));
    writeTree(source, { 'cat/in.jpg': await makeImage(10) });
    fs.symlinkSync(outside, path.join(source, 'cat', 'escape.jpg'));

    const report = await run(collection().id);

    expect(report.failures).toEqual([
      { path: 'cat/escape.jpg', reason: expect.stringContaining('outside the import folder') },
    ]);
    expect(report.added).toBe(1);
  });

  it('labels an already imported but unannotated item when it reappears in a label folder', async () => {
    const bytes = await makeImage(11);
    writeTree(source, { 'flat/a.jpg': bytes });
    const { id } = collection();
    await importFolder(testDb.db, {
      root: source,
      collectionId: id,
      dataDir: testDb.dir,
      layout: 'flat',
    });

    const report = await run(id);

    expect(report).toMatchObject({ added: 0, alreadyPresent: 1, annotationsCreated: 1 });
    expect(labelsBySourceUri(id)).toEqual({ 'flat/a.jpg': ['flat'] });
  });

  it('reports progress up to the total and stops early when aborted', async () => {
    const files: Record<string, Buffer> = {};
    for (let seed = 1; seed <= 6; seed++) files[`cat/${seed}.jpg`] = await makeImage(seed);
    writeTree(source, files);
    const { id } = collection();
    const controller = new AbortController();
    const seen: number[] = [];

    const report = await importFolder(testDb.db, {
      root: source,
      collectionId: id,
      dataDir: testDb.dir,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (done, total) => {
        seen.push(done);
        expect(total).toBe(6);
        if (done === 2) controller.abort();
      },
    });

    expect(seen).toEqual([1, 2]);
    expect(report).toMatchObject({ cancelled: true, added: 2, annotationsCreated: 2 });
    expect(itemCount(id)).toBe(2);
  });

  it('says so when the folder does not exist', async () => {
    await expect(run(collection().id, path.join(source, 'missing'))).rejects.toThrow(
      /does not exist/,
    );
  });
});
