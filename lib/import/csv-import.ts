import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { Db } from '@/db/client';
import { appendAnnotation, getAnnotation } from '@/lib/annotation/annotation-repo';
import { ensureLabels, getCollection, listLabels } from '@/lib/collections/collection-repo';
import {
  findItemByHash,
  findItemByIdentifier,
  insertItem,
  type Item,
} from '@/lib/collections/item-repo';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { storeImage, type StoredImage } from '@/lib/images/image-store';
import { createLogger } from '@/lib/log';
import { planManifest } from './iiif/canvas-plan';
import { readIiifDocument } from './iiif/iiif-document';
import { fetchPlannedImage } from './iiif/iiif-import';
import { updateItemDescription } from './import-item-repo';
import { safeFetch, type SafeFetchOptions } from './safe-fetch';
import { unsafeEntryReason, extractZipSafely, type ZipLimits } from './zip-reader';
import { makeScratchFolder } from './zip-import';

/**
 * Imports items described by a Dublin Core CSV (one row per item).
 *
 * Columns (header names are matched case-insensitively):
 * - `dcterms:identifier` (required): the institution's key. A row whose identifier is already in
 *   the collection updates that item's title and metadata instead of adding an item, and its
 *   media is not fetched again.
 * - any other `dcterms:*` column (title, description, creator, date, rights, subject, …): kept in
 *   the item's metadata under its full column name; `dcterms:title` is also the item's title.
 * - one media column, `media`, `image` or `file`: an http(s) image URL, a IIIF manifest URL (its
 *   first canvas becomes the item), or the path of a file inside the zip uploaded with the CSV.
 * - `labels` (optional): label names separated by "|". Names the collection does not have yet are
 *   created (and listed in the report), as folder names are in folder imports. The single word
 *   `none` (when the collection has no label of that name) records "none of these labels".
 * - any other column is kept in the metadata under its header.
 *
 * Labels become an annotation with source "import" only when the item has no annotation yet or
 * its current one came from an import and differs; a person's annotation is never overridden, and
 * an unchanged row adds no annotation. Bad rows are reported with their row number (the header is
 * row 1, as in a spreadsheet) and the reason; the others are imported.
 */

const log = createLogger('import');

export const MAX_CSV_ROWS = 100_000;
export const LABEL_SEPARATOR = '|';
export const NONE_KEYWORD = 'none';
const MEDIA_COLUMNS = ['media', 'image', 'file'];
const IDENTIFIER_COLUMN = 'dcterms:identifier';
const MEDIA_CONCURRENCY = 3;
const BATCH_ROWS = 24;

export interface CsvImportOptions {
  collectionId: number;
  csvText?: string;
  csvStream?: Readable;
  /** A zip archive on disk whose files the media column may name. */
  zip?: string;
  zipLimits?: Partial<ZipLimits>;
  userId?: number | null;
  dataDir?: string;
  fetch?: Pick<SafeFetchOptions, 'allowPrivate' | 'timeoutMs'>;
  onProgress?: (progress: { stage: 'importing'; done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface CsvRowNote {
  /** "row N" or "row N (identifier)". */
  path: string;
  row: number;
  reason: string;
}

export interface CsvImportReport {
  source: 'csv';
  rows: number;
  added: number;
  /** Rows whose identifier was already in the collection: their metadata was replaced. */
  updated: number;
  annotationsCreated: number;
  labelsCreated: string[];
  failures: CsvRowNote[];
  /** Zip entries refused while unpacking (unsafe names, oversize). */
  zipFailures: { path: string; reason: string }[];
  cancelled: boolean;
  durationMs: number;
}

type Row = Record<string, string>;

interface RowMedia {
  bytes: Buffer;
  sourceUri: string;
}

type MediaResult = { ok: true; media: RowMedia } | { ok: false; reason: string };

type StoredMedia =
  { ok: true; image: StoredImage; sourceUri: string } | { ok: false; reason: string };

interface PreparedRow {
  row: Row;
  rowNumber: number;
  identifier: string;
  title: string | null;
  metadata: Row;
  /** The media column's value; empty when there is none. */
  reference: string;
  existing: Item | undefined;
}

function readRecords(options: CsvImportOptions): AsyncIterable<string[]> {
  const source =
    options.csvStream ??
    (options.csvText !== undefined ? Readable.from([options.csvText]) : undefined);
  if (!source) throw new AppError('validation_failed', 'The CSV import needs a CSV file.');

  return source.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }),
  );
}

function readHeader(record: string[]): string[] {
  const header = record.map((name) => name.trim().toLowerCase());
  if (!header.includes(IDENTIFIER_COLUMN)) {
    throw new AppError('validation_failed', `The CSV has no ${IDENTIFIER_COLUMN} column.`);
  }
  return header;
}

/** The row as column → value, or null when it has more (non-empty) fields than the header. */
function toRow(header: string[], record: string[]): Row | null {
  if (record.slice(header.length).some((value) => value !== '')) return null;
  return Object.fromEntries(header.map((column, index) => [column, record[index] ?? '']));
}

function mediaColumn(row: Row): string | undefined {
  return MEDIA_COLUMNS.find((column) => column in row);
}

function describe(row: Row, mediaKey: string | undefined): { title: string | null; metadata: Row } {
  const metadata: Row = {};
  for (const [column, value] of Object.entries(row)) {
    if (column === mediaKey || column === 'labels' || value === '') continue;
    metadata[column] = value;
  }
  return { title: row['dcterms:title'] || null, metadata };
}

function parseLabels(value: string | undefined): string[] {
  return [...new Set((value ?? '').split(LABEL_SEPARATOR).map((name) => name.trim()))].filter(
    (name) => name.length > 0,
  );
}

class CsvImport {
  readonly report: CsvImportReport = {
    source: 'csv',
    rows: 0,
    added: 0,
    updated: 0,
    annotationsCreated: 0,
    labelsCreated: [],
    failures: [],
    zipFailures: [],
    cancelled: false,
    durationMs: 0,
  };
  private readonly seen = new Map<string, number>();
  private readonly single: boolean;
  /** The collection's labels by name, kept current as the import creates labels. */
  private readonly labelIdsByName: Map<string, number>;

  constructor(
    private readonly db: Db,
    private readonly options: CsvImportOptions & { dataDir: string },
    private readonly zipFolder: string | null,
  ) {
    this.single = getCollection(db, options.collectionId)?.annotationMode === 'single';
    this.labelIdsByName = new Map(
      listLabels(db, options.collectionId).map((label) => [label.name, label.id]),
    );
  }

  fail(row: number, reason: string, identifier?: string): void {
    const path = identifier ? `row ${row} (${identifier})` : `row ${row}`;
    this.report.failures.push({ path, row, reason });
  }

  /**
   * Imports rows a batch at a time: identifiers are checked in row order, media are fetched and
   * validated several at once, and items are then recorded in row order, so the result is the
   * same as one row after the other.
   */
  async importBatch(rows: { row: Row; rowNumber: number }[]): Promise<void> {
    const prepared = rows
      .map(({ row, rowNumber }) => this.prepare(row, rowNumber))
      .filter((entry): entry is PreparedRow => entry !== null);

    const media: (StoredMedia | undefined)[] = new Array(prepared.length);
    let next = 0;
    const worker = async () => {
      while (next < prepared.length && !this.options.signal?.aborted) {
        const index = next++;
        const entry = prepared[index];
        if (!entry.existing && entry.reference)
          media[index] = await this.storeMedia(entry.reference);
      }
    };
    await Promise.all(Array.from({ length: MEDIA_CONCURRENCY }, worker));

    prepared.forEach((entry, index) => {
      const item = this.record(entry, media[index]);
      if (item) this.annotate(item, entry.row.labels, entry.rowNumber, entry.identifier);
    });
  }

  private prepare(row: Row, rowNumber: number): PreparedRow | null {
    const identifier = row[IDENTIFIER_COLUMN];
    if (!identifier) {
      this.fail(rowNumber, `no ${IDENTIFIER_COLUMN}`);
      return null;
    }
    const earlier = this.seen.get(identifier);
    if (earlier !== undefined) {
      this.fail(rowNumber, `the identifier repeats row ${earlier}; skipped`, identifier);
      return null;
    }
    this.seen.set(identifier, rowNumber);

    const mediaKey = mediaColumn(row);
    return {
      row,
      rowNumber,
      identifier,
      ...describe(row, mediaKey),
      reference: mediaKey ? row[mediaKey] : '',
      existing: findItemByIdentifier(this.db, this.options.collectionId, identifier),
    };
  }

  private async storeMedia(reference: string): Promise<StoredMedia> {
    const media = await this.loadMedia(reference);
    if (!media.ok) return media;

    const stored = await storeImage(
      media.media.bytes,
      this.options.collectionId,
      this.options.dataDir,
    );
    if (!stored.ok) return { ok: false, reason: `${reference}: ${stored.reason}` };
    return { ok: true, image: stored.image, sourceUri: media.media.sourceUri };
  }

  private record(entry: PreparedRow, media: StoredMedia | undefined): Item | null {
    const { collectionId } = this.options;
    const { rowNumber, identifier, title, metadata } = entry;
    if (entry.existing) {
      this.report.updated += 1;
      return updateItemDescription(this.db, entry.existing.id, { title, metadata });
    }
    if (!entry.reference) {
      this.fail(rowNumber, `no media (a ${MEDIA_COLUMNS.join(', ')} column)`, identifier);
      return null;
    }
    if (!media) return null;
    if (!media.ok) {
      this.fail(rowNumber, media.reason, identifier);
      return null;
    }

    const sameImage = findItemByHash(this.db, collectionId, media.image.contentHash);
    if (sameImage) return this.adopt(sameImage, rowNumber, identifier, title, metadata);

    this.report.added += 1;
    return insertItem(this.db, {
      collectionId,
      sourceKind: 'csv',
      sourceUri: media.sourceUri,
      identifier,
      contentHash: media.image.contentHash,
      filePath: media.image.filePath,
      mimeType: media.image.mimeType,
      sizeBytes: media.image.sizeBytes,
      width: media.image.width,
      height: media.image.height,
      title,
      metadata,
    });
  }

  /** An image already in the collection without an identifier takes this row's identity. */
  private adopt(
    item: Item,
    rowNumber: number,
    identifier: string,
    title: string | null,
    metadata: Row,
  ): Item | null {
    if (item.identifier !== null) {
      this.fail(
        rowNumber,
        `the same image is already the item with identifier ${item.identifier}; skipped`,
        identifier,
      );
      return null;
    }
    this.report.updated += 1;
    return updateItemDescription(this.db, item.id, { identifier, title, metadata });
  }

  private async loadMedia(reference: string): Promise<MediaResult> {
    if (/^https?:\/\//i.test(reference)) return this.fetchMedia(reference);
    if (/^[a-z][a-z0-9+.-]*:/i.test(reference) && !/^[a-zA-Z]:[\\/]/.test(reference)) {
      return { ok: false, reason: `${reference}: only http(s) URLs or files in the zip are read` };
    }
    return this.zipMedia(reference);
  }

  private async zipMedia(name: string): Promise<MediaResult> {
    if (!this.zipFolder) {
      return { ok: false, reason: `${name} is a file name, but no zip was uploaded with the CSV` };
    }
    const unsafe = unsafeEntryReason(name);
    if (unsafe) return { ok: false, reason: `${name}: ${unsafe}` };

    const relative = name.replace(/\\/g, '/').replace(/^\.\//, '');
    const file = path.join(this.zipFolder, relative);
    const bytes = await fs.readFile(file).catch(() => null);
    if (!bytes) return { ok: false, reason: `${name} is not in the zip (or was refused from it)` };
    return { ok: true, media: { bytes, sourceUri: relative } };
  }

  private async fetchMedia(url: string): Promise<MediaResult> {
    const fetched = await safeFetch(url, {
      ...this.options.fetch,
      maxBytes: env().CURIO_MAX_UPLOAD_BYTES,
      signal: this.options.signal,
    });
    if (!fetched.ok) return fetched;

    const { bytes, contentType } = fetched.body;
    const looksLikeJson =
      /json/i.test(contentType) || bytes.subarray(0, 64).toString().trim().startsWith('{');
    if (!looksLikeJson) return { ok: true, media: { bytes, sourceUri: url } };
    return this.manifestMedia(url, bytes);
  }

  /** The first canvas of a IIIF manifest named in the media column. */
  private async manifestMedia(url: string, bytes: Buffer): Promise<MediaResult> {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return { ok: false, reason: `${url} is neither an image nor valid JSON` };
    }
    const document = readIiifDocument(json, url);
    if (!document.ok) return document;
    if (document.document.kind !== 'manifest') {
      return { ok: false, reason: `${url} is a IIIF collection; a row takes one manifest` };
    }

    const plan = planManifest(document.document.manifest, url);
    const canvas = plan.canvases[0];
    if (!canvas) return { ok: false, reason: `${url} has no canvas with an image` };
    const image = await fetchPlannedImage(canvas.image, this.options.fetch, this.options.signal);
    return image.ok
      ? { ok: true, media: { bytes: image.bytes, sourceUri: canvas.sourceUri } }
      : image;
  }

  private annotate(item: Item, labelsCell: string | undefined, rowNumber: number, id: string) {
    const names = parseLabels(labelsCell);
    if (names.length === 0) return;

    const none =
      names.length === 1 &&
      names[0].toLowerCase() === NONE_KEYWORD &&
      !this.labelIdsByName.has(names[0]);
    if (!none && this.single && names.length > 1) {
      this.fail(
        rowNumber,
        `${names.length} labels, but the collection takes one per item; no labels recorded`,
        id,
      );
      return;
    }

    const labelIds = none ? [] : this.labelIds(names);
    const current = item.currentAnnotationId
      ? getAnnotation(this.db, item.currentAnnotationId)
      : undefined;
    if (current && current.source !== 'import') return;
    if (current && sameAnnotation(current, labelIds, none)) return;

    appendAnnotation(this.db, {
      itemId: item.id,
      userId: this.options.userId ?? null,
      labelIds,
      none,
      source: 'import',
    });
    this.report.annotationsCreated += 1;
  }

  private labelIds(names: string[]): number[] {
    const missing = names.filter((name) => !this.labelIdsByName.has(name));
    if (missing.length > 0) {
      for (const [name, label] of ensureLabels(this.db, this.options.collectionId, missing)) {
        this.labelIdsByName.set(name, label.id);
        this.report.labelsCreated.push(name);
      }
    }
    return names
      .map((name) => this.labelIdsByName.get(name))
      .filter((id): id is number => id !== undefined);
  }
}

function sameAnnotation(
  current: { kind: string; labelIds: number[] },
  labelIds: number[],
  none: boolean,
): boolean {
  if (none) return current.kind === 'none';
  const wanted = [...labelIds].sort((a, b) => a - b).join(',');
  return (
    current.kind === 'labels' && [...current.labelIds].sort((a, b) => a - b).join(',') === wanted
  );
}

async function unpackZip(options: CsvImportOptions, dataDir: string) {
  if (!options.zip) return { folder: null, refused: [] };
  const folder = await makeScratchFolder(dataDir, 'csv-zip');
  try {
    const extraction = await extractZipSafely(options.zip, folder, {
      limits: options.zipLimits,
      signal: options.signal,
    });
    return { folder, refused: extraction.refused };
  } catch (error) {
    await fs.rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/** Imports the rows of a Dublin Core CSV into a collection and reports every bad row. */
export async function importCsv(db: Db, options: CsvImportOptions): Promise<CsvImportReport> {
  const startedMs = Date.now();
  if (!getCollection(db, options.collectionId)) {
    throw new AppError('not_found', `Collection ${options.collectionId} was not found.`);
  }
  const dataDir = options.dataDir ?? env().dataDir;
  const zip = await unpackZip(options, dataDir);

  try {
    const run = new CsvImport(db, { ...options, dataDir }, zip.folder);
    run.report.zipFailures = zip.refused;
    let rowNumber = 0;
    let header: string[] | null = null;
    let batch: { row: Row; rowNumber: number }[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const rows = batch;
      batch = [];
      await run.importBatch(rows);
      // The number of rows is unknown until the end, so the total is what has been read so far.
      options.onProgress?.({ stage: 'importing', done: run.report.rows, total: run.report.rows });
    };
    try {
      for await (const record of readRecords(options)) {
        rowNumber += 1;
        if (options.signal?.aborted) break;
        if (!header) {
          header = readHeader(record);
          continue;
        }
        const row = toRow(header, record);
        if (!row) {
          run.fail(
            rowNumber,
            `${record.length} fields, but the header has ${header.length}; skipped`,
          );
          continue;
        }
        if (rowNumber - 1 > MAX_CSV_ROWS) {
          run.fail(rowNumber, `the CSV has more than ${MAX_CSV_ROWS} rows; the rest was not read`);
          break;
        }
        run.report.rows += 1;
        batch.push({ row, rowNumber });
        if (batch.length >= BATCH_ROWS) await flush();
      }
      await flush();
    } catch (error) {
      if (error instanceof AppError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new AppError(
        'validation_failed',
        `The CSV could not be read after row ${rowNumber}: ${message}`,
      );
    }

    const report = {
      ...run.report,
      failures: [...run.report.failures].sort((a, b) => a.row - b.row),
      cancelled: options.signal?.aborted ?? false,
      durationMs: Date.now() - startedMs,
    };
    log.info(
      `The CSV import into collection ${options.collectionId} read ${report.rows} rows: ${report.added} added, ` +
        `${report.updated} updated, ${report.failures.length} failed, in ${report.durationMs} ms.`,
    );
    return report;
  } finally {
    if (zip.folder) await fs.rm(zip.folder, { recursive: true, force: true });
  }
}
