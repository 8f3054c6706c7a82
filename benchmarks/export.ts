import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { openMigratedDatabase, type Db } from '@/db/client';
import {
  appendAnnotations,
  listCurrentAnnotations,
  type NewAnnotation,
} from '@/lib/annotation/annotation-repo';
import {
  createCollection,
  ensureLabels,
  getCollectionByName,
  listLabels,
} from '@/lib/collections/collection-repo';
import { insertItem, listItemsAfter } from '@/lib/collections/item-repo';
import { EXPORT_FORMATS } from '@/lib/export/export-options';
import { importFolder } from '@/lib/import/folder-import';
import { sharedPath } from '../tests/helpers/shared-material';

/**
 * Export time, size and peak memory per format, at two collection sizes: the 2,030 hieroglyphs
 * and a copy four times as large (the same stored files under new item rows, so 8,120 items and
 * 8,120 zip entries). Each export runs in a child process that reports its own peak RSS; flat
 * streaming shows as a peak that does not grow with the collection.
 *
 *   npm run bench -- export [--dataset <folder>] [--dir <data dir, reused>] [--scale 4]
 */

const DEFAULT_DATASET = sharedPath('datasets', 'hieroglyphs-unas');
const resultSchema = z.object({
  durationMs: z.number(),
  sizeBytes: z.number(),
  peakRssMb: z.number(),
});

function argValue(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
}

async function baseCollection(db: Db, dataDir: string, dataset: string): Promise<number> {
  const existing = getCollectionByName(db, 'bench-export');
  if (existing) return existing.id;
  const collection = createCollection(db, { name: 'bench-export', annotationMode: 'single' });
  await importFolder(db, { root: dataset, collectionId: collection.id, dataDir });
  return collection.id;
}

/** A collection `scale` times larger: new rows pointing at the same stored files. */
function scaledCollection(db: Db, baseId: number, scale: number): number {
  const name = `bench-export-x${scale}`;
  const existing = getCollectionByName(db, name);
  if (existing) return existing.id;

  const collection = createCollection(db, { name, annotationMode: 'single' });
  const baseLabels = listLabels(db, baseId);
  const copies = ensureLabels(
    db,
    collection.id,
    baseLabels.map((label) => label.name),
  );
  const copyOf = new Map(
    baseLabels.map((label) => [label.id, copies.get(label.name)?.id ?? label.id]),
  );
  const labelOf = new Map(
    listCurrentAnnotations(db, baseId).map((annotation) => [annotation.itemId, annotation]),
  );
  const items = listItemsAfter(db, baseId, 0, Number.MAX_SAFE_INTEGER);
  for (let copy = 0; copy < scale; copy++) {
    const batch: NewAnnotation[] = [];
    for (const item of items) {
      const { id: _id, createdAt: _createdAt, currentAnnotationId: _current, ...fields } = item;
      const row = insertItem(db, {
        ...fields,
        collectionId: collection.id,
        contentHash: `${item.contentHash.slice(0, 56)}${String(copy).padStart(8, '0')}`,
        identifier: item.identifier ? `${item.identifier}-${copy}` : null,
      });
      const annotation = labelOf.get(item.id);
      if (annotation) {
        batch.push({
          itemId: row.id,
          userId: null,
          labelIds: annotation.labelIds.map((id) => copyOf.get(id) ?? id),
          none: annotation.kind === 'none',
          source: 'import',
        });
      }
    }
    appendAnnotations(db, batch);
  }
  return collection.id;
}

function runChild(dataDir: string, collectionId: number, format: string, out: string) {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'benchmarks/export-child.ts',
      dataDir,
      String(collectionId),
      format,
      'human',
      out,
    ],
    { encoding: 'utf8', env: { ...process.env, CURIO_LOG_LEVEL: 'warn' } },
  );
  if (child.status !== 0) throw new Error(`The export child failed: ${child.stderr}`);
  return resultSchema.parse(JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}'));
}

export async function run(args: string[]): Promise<void> {
  const dataset = argValue(args, '--dataset', DEFAULT_DATASET);
  const dataDir = argValue(args, '--dir', path.join(os.tmpdir(), 'curio-bench-export'));
  const scale = Number(argValue(args, '--scale', '4'));
  if (!fs.existsSync(dataset)) {
    console.log(`Skipped: the dataset ${dataset} is not here.`);
    return;
  }

  fs.mkdirSync(dataDir, { recursive: true });
  const db = openMigratedDatabase(path.join(dataDir, 'curio.sqlite'));
  const baseId = await baseCollection(db, dataDir, dataset);
  const scaledId = scaledCollection(db, baseId, scale);
  db.$client.close();

  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-bench-export-out-'));
  console.log('| items | format | time (s) | size (MB) | peak RSS (MB) |');
  console.log('|---:|---|---:|---:|---:|');
  try {
    for (const [collectionId, label] of [
      [baseId, 'base'],
      [scaledId, `x${scale}`],
    ] as const) {
      const count = openMigratedDatabase(path.join(dataDir, 'curio.sqlite'));
      const items = listItemsAfter(count, collectionId, 0, Number.MAX_SAFE_INTEGER).length;
      count.$client.close();
      for (const format of EXPORT_FORMATS) {
        const file = path.join(out, `${label}.${format}`);
        const result = runChild(dataDir, collectionId, format, file);
        fs.rmSync(file);
        console.log(
          `| ${items} | ${format} | ${(result.durationMs / 1000).toFixed(2)} | ` +
            `${(result.sizeBytes / 1e6).toFixed(2)} | ${result.peakRssMb} |`,
        );
      }
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
