import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { listCurrentAnnotations } from '@/lib/annotation/annotation-repo';
import { createCollection, listLabels } from '@/lib/collections/collection-repo';
import { getItem, listItemsAfter } from '@/lib/collections/item-repo';
import { startExport } from '@/lib/export/create-export';
import { exportOptionsSchema } from '@/lib/export/export-options';
import { importCsv } from '@/lib/import/csv-import';
import { makeZip } from '../../helpers/zips';
import { buildExportFixture, collect, type ExportFixture } from './export-fixture';

let fixture: ExportFixture | undefined;
afterEach(() => fixture?.close());

/** content hash → sorted label names, or ["(none)"] for "none of these". */
function decisionsByHash(f: ExportFixture, collectionId: number): Map<string, string[]> {
  const names = new Map(listLabels(f.db, collectionId).map((label) => [label.id, label.name]));
  return new Map(
    listCurrentAnnotations(f.db, collectionId).map((annotation) => [
      getItem(f.db, annotation.itemId)?.contentHash ?? '',
      annotation.kind === 'none'
        ? ['(none)']
        : annotation.labelIds.map((id) => names.get(id) ?? '').sort(),
    ]),
  );
}

describe('CSV round trip', () => {
  it('imports an exported CSV, with its images zipped by the file column, into the same labels', async () => {
    fixture = await buildExportFixture({ perLabel: 3 });
    const csvText = (
      await collect(
        startExport({
          db: fixture.db,
          dataDir: fixture.dataDir,
          collectionId: fixture.collection.id,
          options: exportOptionsSchema.parse({ format: 'csv', scope: 'human' }),
          baseUrl: 'http://localhost',
        }).body,
      )
    ).toString('utf8');

    // The images travel beside the CSV, named as its `file` column says.
    const rows = parse(csvText, { columns: true }) as Record<string, string>[];
    const byIdentifier = new Map(
      listItemsAfter(fixture.db, fixture.collection.id, 0, 100).map((item) => [
        item.identifier,
        item,
      ]),
    );
    const zip = await makeZip(
      rows.map((row) => {
        const item = byIdentifier.get(row['dcterms:identifier']);
        return {
          name: row.file,
          data: fs.readFileSync(path.join(fixture?.dataDir ?? '', item?.filePath ?? 'missing')),
        };
      }),
    );
    const zipFile = path.join(fixture.dataDir, 'images.zip');
    fs.writeFileSync(zipFile, zip);

    const copy = createCollection(fixture.db, { name: 'From CSV', annotationMode: 'single' });
    const report = await importCsv(fixture.db, {
      collectionId: copy.id,
      csvText,
      zip: zipFile,
      dataDir: fixture.dataDir,
    });

    expect(report.failures).toEqual([]);
    expect(report.added).toBe(rows.length);
    expect(decisionsByHash(fixture, copy.id)).toEqual(
      decisionsByHash(fixture, fixture.collection.id),
    );
    const imported = listItemsAfter(fixture.db, copy.id, 0, 100);
    expect(imported.map((item) => item.identifier).sort()).toEqual(
      rows.map((row) => row['dcterms:identifier']).sort(),
    );
    expect(imported[0].metadata['dcterms:rights']).toBe('CC0 1.0');
  });
});
