import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { validationItemIds, type SplitName } from './dataset-split';
import { exportRecords, rightsOf, type ExportContext, type ExportRecord } from './export-records';
import { ZipWriter } from './zip-writer';

const log = createLogger('export');

/**
 * A Hugging Face `imagefolder` dataset as a zip: train/ and validation/, each with its images and
 * its own metadata.jsonl (file_name, labels, identifier, rights, provenance), loadable with
 * `load_dataset("imagefolder", data_dir=…)`. For single-label collections the images can also
 * sit in one folder per label (train/<label>/<file>); unlabelled and "none" items then stay at
 * the split's root.
 */

export interface ImagefolderOptions {
  dataDir: string;
  validationRatio: number;
  seed: number;
  folderPerLabel: boolean;
}

const SPLITS: SplitName[] = ['train', 'validation'];

/** A label name as one safe path segment. */
export function labelFolderName(label: string): string {
  return label.replace(/[/\\]/g, '_').replace(/^\.+/, '_').trim() || '_';
}

function relativeName(record: ExportRecord, folderPerLabel: boolean): string {
  if (folderPerLabel && !record.none && record.labels.length === 1) {
    return `${labelFolderName(record.labels[0])}/${record.archiveName}`;
  }
  return record.archiveName;
}

function metadataLine(record: ExportRecord, folderPerLabel: boolean): string {
  return `${JSON.stringify({
    file_name: relativeName(record, folderPerLabel),
    labels: record.labels,
    none: record.none,
    identifier: record.identifier,
    rights: rightsOf(record),
    source: record.source,
    annotator: record.annotator,
    title: record.title,
  })}\n`;
}

async function* splitMetadata(
  context: ExportContext,
  inSplit: (record: ExportRecord) => boolean,
  folderPerLabel: boolean,
  missing: ReadonlySet<number>,
): AsyncGenerator<string> {
  for await (const record of exportRecords(context)) {
    if (inSplit(record) && !missing.has(record.itemId)) yield metadataLine(record, folderPerLabel);
  }
}

async function writeArchive(
  zip: ZipWriter,
  context: ExportContext,
  options: ImagefolderOptions,
): Promise<void> {
  const validation = await validationItemIds(context, options.validationRatio, options.seed);
  const splitOf = (record: ExportRecord): SplitName =>
    validation.has(record.itemId) ? 'validation' : 'train';
  // An original missing from the data folder would end the archive mid-stream; it is left out
  // (and out of metadata.jsonl) with a warning instead.
  const missing = new Set<number>();

  for (const split of SPLITS) {
    const inSplit = (record: ExportRecord) => splitOf(record) === split;
    for await (const record of exportRecords(context)) {
      if (zip.closed) return;
      if (!inSplit(record)) continue;
      const file = path.join(options.dataDir, record.filePath);
      if (!fs.existsSync(file)) {
        log.warn(`Item ${record.itemId} is left out of the export: its file ${file} is missing.`);
        missing.add(record.itemId);
        continue;
      }
      await zip.addFile(`${split}/${relativeName(record, options.folderPerLabel)}`, file);
    }
    // A second pass writes the split's metadata.jsonl as a stream too.
    await zip.addStream(
      `${split}/metadata.jsonl`,
      () => Readable.from(splitMetadata(context, inSplit, options.folderPerLabel, missing)),
      true,
    );
  }
  zip.end();
}

export function imagefolderExport(
  context: ExportContext,
  options: ImagefolderOptions,
): AsyncIterable<Uint8Array> {
  if (options.folderPerLabel && context.collection.annotationMode !== 'single') {
    throw new AppError(
      'validation_failed',
      'The folder-per-label layout needs a single-label collection; use metadata.jsonl labels.',
    );
  }

  const zip = new ZipWriter();
  writeArchive(zip, context, options).catch((error: unknown) => zip.fail(error));
  return zip.output;
}
