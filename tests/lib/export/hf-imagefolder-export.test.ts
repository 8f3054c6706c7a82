import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAnnotation, listCurrentAnnotations } from '@/lib/annotation/annotation-repo';
import { createCollection, listLabels } from '@/lib/collections/collection-repo';
import { listItemsAfter } from '@/lib/collections/item-repo';
import { startExport } from '@/lib/export/create-export';
import { exportOptionsSchema, type ExportOptionsInput } from '@/lib/export/export-options';
import { extractZip } from '@/lib/export/extract-zip';
import { importFolder } from '@/lib/import/folder-import';
import { makeItem } from '../../helpers/factories';
import { buildExportFixture, collect, type ExportFixture } from './export-fixture';

let fixture: ExportFixture | undefined;
const folders: string[] = [];
afterEach(() => {
  fixture?.close();
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

async function exportAndExtract(
  f: ExportFixture,
  input: Omit<ExportOptionsInput, 'format'>,
): Promise<string> {
  const file = startExport({
    db: f.db,
    dataDir: f.dataDir,
    collectionId: f.collection.id,
    options: exportOptionsSchema.parse({ format: 'hf-imagefolder', ...input }),
    baseUrl: 'http://localhost',
    pageSize: 4,
  });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-hf-'));
  folders.push(folder);
  const zipFile = path.join(folder, 'export.zip');
  fs.writeFileSync(zipFile, await collect(file.body));
  await extractZip(zipFile, path.join(folder, 'dataset'));
  return path.join(folder, 'dataset');
}

function readMetadata(splitFolder: string): Record<string, unknown>[] {
  return fs
    .readFileSync(path.join(splitFolder, 'metadata.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** content hash → label names, of a collection's current annotations. */
function labelsByHash(f: ExportFixture, collectionId: number): Map<string, string[]> {
  const names = new Map(listLabels(f.db, collectionId).map((label) => [label.id, label.name]));
  const hashOf = new Map(
    listItemsAfter(f.db, collectionId, 0, 1000).map((item) => [item.id, item.contentHash]),
  );
  return new Map(
    listCurrentAnnotations(f.db, collectionId).map((annotation) => [
      hashOf.get(annotation.itemId) ?? '',
      annotation.labelIds.map((id) => names.get(id) ?? '').sort(),
    ]),
  );
}

describe('Hugging Face imagefolder export', () => {
  it('splits each label by the ratio and lists every image in its split’s metadata.jsonl', async () => {
    fixture = await buildExportFixture({ perLabel: 10 });
    const dataset = await exportAndExtract(fixture, { validationRatio: 0.2, seed: 7 });

    const train = readMetadata(path.join(dataset, 'train'));
    const validation = readMetadata(path.join(dataset, 'validation'));
    const count = (rows: Record<string, unknown>[], label: string) =>
      rows.filter((row) => JSON.stringify(row.labels) === JSON.stringify([label])).length;
    expect(count(validation, 'amulet')).toBe(2);
    expect(count(validation, 'scarab')).toBe(2);
    expect(count(train, 'amulet')).toBe(8);
    expect(train.length + validation.length).toBe(21);
    for (const [split, rows] of [
      ['train', train],
      ['validation', validation],
    ] as const) {
      for (const row of rows) {
        expect(fs.existsSync(path.join(dataset, split, String(row.file_name)))).toBe(true);
        expect(row).toMatchObject({
          identifier: expect.stringMatching(/^OBJ-/),
          rights: 'CC0 1.0',
        });
      }
    }
  });

  it('gives the same split for the same seed and another for another seed', async () => {
    fixture = await buildExportFixture({ perLabel: 10 });
    const names = async (seed: number) =>
      readMetadata(
        path.join(await exportAndExtract(fixture as ExportFixture, { seed }), 'validation'),
      )
        .map((row) => row.file_name)
        .sort();

    const first = await names(1);
    expect(await names(1)).toEqual(first);
    expect(await names(2)).not.toEqual(first);
  });

  it('round-trips the labels through the folder-per-label layout and the folder importer', async () => {
    fixture = await buildExportFixture({ perLabel: 4 });
    const dataset = await exportAndExtract(fixture, {
      folderPerLabel: true,
      validationRatio: 0.25,
    });
    expect(fs.readdirSync(path.join(dataset, 'train')).sort()).toEqual(
      expect.arrayContaining(['amulet', 'scarab', 'metadata.jsonl']),
    );

    const copy = createCollection(fixture.db, { name: 'Round trip', annotationMode: 'single' });
    for (const split of ['train', 'validation']) {
      const report = await importFolder(fixture.db, {
        root: path.join(dataset, split),
        collectionId: copy.id,
        dataDir: fixture.dataDir,
      });
      expect(report.failures).toEqual([]);
    }

    // Every labelled item comes back with its label; "none" and unannotated ones come back
    // unlabelled, since a folder cannot say "none of these".
    const original = labelsByHash(fixture, fixture.collection.id);
    const imported = labelsByHash(fixture, copy.id);
    const labelled = [...original].filter(([, labels]) => labels.length > 0);
    expect(imported).toEqual(new Map(labelled));
    // Scope "human" leaves out the one item nobody annotated.
    expect(listItemsAfter(fixture.db, copy.id, 0, 1000)).toHaveLength(fixture.expected.size - 1);
  });

  it('streams the zip: an item added after the first chunk is still in the archive', async () => {
    const f = await buildExportFixture({ perLabel: 1 });
    fixture = f;
    const [template] = listItemsAfter(f.db, f.collection.id, 0, 1);
    const label = fixture.labels[0];
    const addItem = (identifier: string) => {
      // Rows sharing one stored file: cheap, and the zip still reads a file per entry.
      const item = makeItem(f.db, f.collection.id, {
        filePath: template.filePath,
        identifier,
      });
      appendAnnotation(f.db, {
        itemId: item.id,
        userId: null,
        labelIds: [label.id],
        none: false,
        source: 'import',
      });
    };
    for (let n = 0; n < 400; n++) addItem(`BULK-${n}`);

    const file = startExport({
      db: fixture.db,
      dataDir: fixture.dataDir,
      collectionId: fixture.collection.id,
      options: exportOptionsSchema.parse({ format: 'hf-imagefolder', validationRatio: 0 }),
      baseUrl: 'http://localhost',
    });
    const iterator = file.body[Symbol.asyncIterator]();
    const parts: Buffer[] = [];
    const first = await iterator.next();
    expect(first.done).toBe(false);
    parts.push(Buffer.from(first.value ?? ''));

    addItem('ADDED-AFTER-FIRST-CHUNK');
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      parts.push(Buffer.from(next.value));
    }

    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-hf-stream-'));
    folders.push(folder);
    fs.writeFileSync(path.join(folder, 'export.zip'), Buffer.concat(parts));
    await extractZip(path.join(folder, 'export.zip'), path.join(folder, 'dataset'));
    const train = readMetadata(path.join(folder, 'dataset', 'train'));
    expect(train.map((row) => row.identifier)).toContain('ADDED-AFTER-FIRST-CHUNK');
    // Two labelled items and the "none" one of the fixture, 400 bulk items and the late one.
    expect(train).toHaveLength(404);
  });

  it('leaves out an item whose stored file has gone, rather than breaking the archive', async () => {
    fixture = await buildExportFixture({ perLabel: 2 });
    const [gone] = listItemsAfter(fixture.db, fixture.collection.id, 0, 1);
    fs.rmSync(path.join(fixture.dataDir, gone.filePath));

    const dataset = await exportAndExtract(fixture, { validationRatio: 0 });
    const identifiers = readMetadata(path.join(dataset, 'train')).map((row) => row.identifier);
    expect(identifiers).toHaveLength(4);
    expect(identifiers).not.toContain(gone.identifier);
  });

  it('refuses the folder-per-label layout for a multi-label collection', async () => {
    fixture = await buildExportFixture({ mode: 'multi' });
    await expect(exportAndExtract(fixture, { folderPerLabel: true })).rejects.toThrow(
      /single-label/,
    );
  });
});
