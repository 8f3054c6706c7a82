import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openMigratedDatabase } from '@/db/client';
import { appendAnnotations, type NewAnnotation } from '@/lib/annotation/annotation-repo';
import { addLabels, createCollection } from '@/lib/collections/collection-repo';
import {
  countBrowseFilters,
  listBrowseItems,
  type BrowseFilter,
} from '@/lib/collections/item-browse-repo';
import { insertItem } from '@/lib/collections/item-repo';

/**
 * How fast the item grid reads a page from a large collection: the first page, a deep page (keyset
 * pagination should cost the same), each filter, and the filter-bar counts.
 *
 *   npm run bench -- item-grid [--items 100000]
 */

const LABELS = 8;
const PAGE = 60;
const REPEATS = 20;

function argValue(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeMs(work: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function run(args: string[]): Promise<void> {
  const itemCount = argValue(args, '--items', 100_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-bench-grid-'));
  const db = openMigratedDatabase(path.join(dir, 'curio.sqlite'));

  try {
    const collection = createCollection(db, { name: 'Bench', annotationMode: 'single' });
    const labels = addLabels(
      db,
      collection.id,
      Array.from({ length: LABELS }, (_, i) => ({ name: `label-${i}` })),
    );
    const seedStart = performance.now();
    const itemIds = db.transaction(() =>
      Array.from({ length: itemCount }, (_, i) => {
        const hash = i.toString(16).padStart(64, '0');
        return insertItem(db, {
          collectionId: collection.id,
          sourceKind: 'folder',
          sourceUri: `bench/${i}.jpg`,
          contentHash: hash,
          filePath: `items/1/${hash.slice(0, 2)}/${hash}.jpg`,
          mimeType: 'image/jpeg',
          sizeBytes: 1000,
          width: 100,
          height: 100,
        }).id;
      }),
    );
    // Two thirds annotated: one label each, every tenth "none of these".
    const batch: NewAnnotation[] = itemIds
      .filter((_, i) => i % 3 !== 0)
      .map((itemId, i) => ({
        itemId,
        userId: null,
        labelIds: i % 10 === 0 ? [] : [labels[i % LABELS].id],
        none: i % 10 === 0,
        source: 'import',
      }));
    appendAnnotations(db, batch);
    console.log(
      `${itemCount} items, ${batch.length} annotations, ${LABELS} labels; seeded in ` +
        `${((performance.now() - seedStart) / 1000).toFixed(1)} s; median of ${REPEATS} runs`,
    );

    const deepAfter = itemIds[Math.floor(itemCount * 0.9)];
    const cases: [string, BrowseFilter, number][] = [
      ['all, first page', { kind: 'all' }, 0],
      ['all, page at 90%', { kind: 'all' }, deepAfter],
      ['unannotated, first page', { kind: 'unannotated' }, 0],
      ['unannotated, page at 90%', { kind: 'unannotated' }, deepAfter],
      ['none of these, first page', { kind: 'none' }, 0],
      ['one label, first page', { kind: 'label', labelId: labels[3].id }, 0],
      ['one label, page at 90%', { kind: 'label', labelId: labels[3].id }, deepAfter],
    ];

    console.log('\n| query | ms |\n|---|---|');
    for (const [name, filter, after] of cases) {
      const ms = timeMs(() => listBrowseItems(db, collection.id, filter, { after }, PAGE + 1));
      console.log(`| ${name} (${PAGE} items) | ${ms.toFixed(2)} |`);
    }
    const countsMs = timeMs(() => countBrowseFilters(db, collection.id));
    console.log(`| filter-bar counts | ${countsMs.toFixed(2)} |`);
  } finally {
    db.$client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
