import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { openMigratedDatabase } from '@/db/client';
import { createCollection } from '@/lib/collections/collection-repo';
import { importCsv } from '@/lib/import/csv-import';
import { importZip } from '@/lib/import/zip-import';
import { sharedPath } from '../tests/helpers/shared-material';

/**
 * Import throughput on a real folder-per-label data set packed into a zip: the zip import
 * (stream to disk, unpack, validate, store, label) and a CSV import of the same images by file
 * name, then the CSV again (a re-import that only updates metadata). Reports items/s and the
 * growth of the resident set.
 *
 *   npm run bench -- imports [--dataset /work/shared/datasets/hieroglyphs-unas]
 */

const DEFAULT_DATASET = sharedPath('datasets', 'hieroglyphs-unas');

function argValue(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
}

function listImages(root: string): string[] {
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(jpe?g|png|webp|tiff?)$/i.test(file))
    .sort();
}

async function writeZip(root: string, files: string[], target: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addFile(path.join(root, file), file.split(path.sep).join('/'));
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(target)).on('close', resolve).on('error', reject);
  });
}

function rssMb(): number {
  return Math.round(process.memoryUsage().rss / (1024 * 1024));
}

export async function run(args: string[]): Promise<void> {
  const dataset = argValue(args, '--dataset', DEFAULT_DATASET);
  if (!fs.existsSync(dataset)) {
    console.log(`The data set ${dataset} is absent; nothing to measure.`);
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-bench-imports-'));
  try {
    const files = listImages(dataset);
    const zipPath = path.join(work, 'dataset.zip');
    await writeZip(dataset, files, zipPath);
    const db = openMigratedDatabase(path.join(work, 'curio.sqlite'));
    const dataDir = path.join(work, 'data');

    const zipTarget = createCollection(db, { name: 'zip', annotationMode: 'single' }).id;
    const rssBefore = rssMb();
    let started = performance.now();
    const zipReport = await importZip(db, {
      zipPath,
      fileName: 'dataset.zip',
      collectionId: zipTarget,
      dataDir,
    });
    const zipMs = performance.now() - started;
    console.log(
      `zip: ${files.length} files (${Math.round(fs.statSync(zipPath).size / 1024)} kB zipped), ` +
        `${zipReport.added} added, ${zipReport.failures.length} failed in ${Math.round(zipMs)} ms ` +
        `= ${Math.round((zipReport.added / zipMs) * 1000)} items/s; RSS ${rssBefore} → ${rssMb()} MB`,
    );

    const csv = [
      'dcterms:identifier,dcterms:title,file,labels',
      ...files.map((file) => {
        const entry = file.split(path.sep).join('/');
        return `${entry},${path.basename(file)},${entry},${entry.split('/')[0]}`;
      }),
    ].join('\n');
    const csvTarget = createCollection(db, { name: 'csv', annotationMode: 'single' }).id;
    started = performance.now();
    const csvReport = await importCsv(db, {
      collectionId: csvTarget,
      csvText: csv,
      zip: zipPath,
      dataDir,
    });
    const csvMs = performance.now() - started;
    console.log(
      `csv + zip: ${csvReport.rows} rows, ${csvReport.added} added, ${csvReport.failures.length} failed in ` +
        `${Math.round(csvMs)} ms = ${Math.round((csvReport.added / csvMs) * 1000)} items/s`,
    );

    started = performance.now();
    const again = await importCsv(db, { collectionId: csvTarget, csvText: csv, dataDir });
    const againMs = performance.now() - started;
    console.log(
      `csv re-import: ${again.updated} updated, ${again.annotationsCreated} annotations added in ` +
        `${Math.round(againMs)} ms = ${Math.round((again.rows / againMs) * 1000)} rows/s; RSS ${rssMb()} MB`,
    );
    db.$client.close();
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
