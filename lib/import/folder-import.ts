import fs from 'node:fs/promises';
import type { Db } from '@/db/client';
import type { SourceKind } from '@/db/schema';
import { appendAnnotations, type NewAnnotation } from '@/lib/annotation/annotation-repo';
import { ensureLabels, getCollection, listLabels } from '@/lib/collections/collection-repo';
import { findItemByHash, insertItem, type NewItem } from '@/lib/collections/item-repo';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { sha256Hex, sizeProblem, storeImage } from '@/lib/images/image-store';
import { createLogger } from '@/lib/log';
import {
  listFolder,
  type FolderEntryNote,
  type FolderFile,
  type FolderLayout,
} from './folder-walk';

/**
 * Imports a folder of images into a collection (see folder-walk.ts for how the folder's layout
 * is read). Content is deduplicated by SHA-256 within the collection, so a re-run adds nothing.
 *
 * Labels from folder names become annotations with source "import" for items that are new or
 * still unannotated; an item that already has an annotation keeps it, because an import never
 * overrides a person's decision. Identical images in several label folders get all those labels
 * in a multi-label collection; in a single-label collection they are imported without a label and
 * listed as conflicts.
 */

const log = createLogger('import');

export const DEFAULT_IMPORT_CONCURRENCY = 3;
/** New items are inserted this many at a time, each batch in one transaction. */
const INSERT_BATCH_SIZE = 100;
const ANNOTATION_BATCH_SIZE = 500;

export interface FolderImportOptions {
  root: string;
  collectionId: number;
  layout?: FolderLayout;
  sourceKind?: SourceKind;
  /** The person who started the import; null for the CLI and the bootstrap. */
  userId?: number | null;
  dataDir?: string;
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface LabelConflict {
  paths: string[];
  labels: string[];
}

export interface FolderImportReport {
  root: string;
  collectionId: number;
  filesFound: number;
  added: number;
  alreadyPresent: number;
  /** Files whose bytes another file of this same import already brought in. */
  duplicates: number;
  labelsCreated: string[];
  annotationsCreated: number;
  failures: FolderEntryNote[];
  skipped: FolderEntryNote[];
  conflicts: LabelConflict[];
  cancelled: boolean;
  durationMs: number;
}

/** One distinct content hash met during the import, with every file that carried it. */
interface ContentEntry {
  paths: string[];
  labels: Set<string>;
  itemId: number | null;
  /** New in this run, or present but never annotated: import labels may be applied. */
  annotatable: boolean;
  failure: string | null;
}

interface PendingInsert {
  entry: ContentEntry;
  item: NewItem;
}

class FolderImport {
  private readonly byHash = new Map<string, ContentEntry>();
  private readonly pending: PendingInsert[] = [];
  private readonly failures: FolderEntryNote[] = [];
  private added = 0;
  private alreadyPresent = 0;
  private duplicates = 0;

  constructor(
    private readonly db: Db,
    private readonly options: FolderImportOptions & { dataDir: string; sourceKind: SourceKind },
  ) {}

  async run(files: FolderFile[]): Promise<void> {
    let next = 0;
    let done = 0;
    const total = files.length;
    const worker = async () => {
      while (next < files.length && !this.options.signal?.aborted) {
        const file = files[next++];
        await this.importFile(file);
        done += 1;
        this.options.onProgress?.(done, total);
      }
    };

    const concurrency = Math.max(1, this.options.concurrency ?? DEFAULT_IMPORT_CONCURRENCY);
    await Promise.all(Array.from({ length: concurrency }, worker));
    this.flushInserts();
  }

  private async readBytes(file: FolderFile): Promise<Buffer | null> {
    try {
      const stats = await fs.stat(file.absolutePath);
      const problem = sizeProblem(stats.size);
      if (problem) {
        this.failures.push({ path: file.relativePath, reason: problem });
        return null;
      }
      return await fs.readFile(file.absolutePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      this.failures.push({ path: file.relativePath, reason: `could not be read (${code})` });
      return null;
    }
  }

  private async importFile(file: FolderFile): Promise<void> {
    const bytes = await this.readBytes(file);
    if (!bytes) return;

    const contentHash = sha256Hex(bytes);
    const seen = this.byHash.get(contentHash);
    if (seen) {
      seen.paths.push(file.relativePath);
      if (file.label) seen.labels.add(file.label);
      this.duplicates += 1;
      return;
    }

    // Registered before any await so that a second copy found meanwhile joins this entry.
    const entry: ContentEntry = {
      paths: [file.relativePath],
      labels: new Set(file.label ? [file.label] : []),
      itemId: null,
      annotatable: false,
      failure: null,
    };
    this.byHash.set(contentHash, entry);

    const existing = findItemByHash(this.db, this.options.collectionId, contentHash);
    if (existing) {
      entry.itemId = existing.id;
      entry.annotatable = existing.currentAnnotationId === null;
      this.alreadyPresent += 1;
      return;
    }

    const stored = await storeImage(bytes, this.options.collectionId, this.options.dataDir);
    if (!stored.ok) {
      entry.failure = stored.reason;
      return;
    }

    this.pending.push({
      entry,
      item: {
        collectionId: this.options.collectionId,
        sourceKind: this.options.sourceKind,
        sourceUri: file.relativePath,
        contentHash: stored.image.contentHash,
        filePath: stored.image.filePath,
        mimeType: stored.image.mimeType,
        sizeBytes: stored.image.sizeBytes,
        width: stored.image.width,
        height: stored.image.height,
        title: titleFromPath(file.relativePath),
      },
    });
    if (this.pending.length >= INSERT_BATCH_SIZE) this.flushInserts();
  }

  private flushInserts(): void {
    if (this.pending.length === 0) return;

    const batch = this.pending.splice(0, this.pending.length);
    this.db.transaction(() => {
      for (const { entry, item } of batch) {
        // Copies found while this one was being validated may sort first; the item keeps the
        // first path in name order so that repeated imports describe it the same way.
        const sourceUri = [...entry.paths].sort()[0];
        entry.itemId = insertItem(this.db, {
          ...item,
          sourceUri,
          title: titleFromPath(sourceUri),
        }).id;
        entry.annotatable = true;
      }
    });
    this.added += batch.length;
  }

  /** Annotations for the labels gathered per content, plus the conflicts found on the way. */
  annotate(labelIds: Map<string, number>): {
    annotationsCreated: number;
    conflicts: LabelConflict[];
  } {
    const { collectionId, userId } = this.options;
    const single = getCollection(this.db, collectionId)?.annotationMode === 'single';
    const annotations: NewAnnotation[] = [];
    const conflicts: LabelConflict[] = [];

    for (const entry of this.byHash.values()) {
      if (entry.itemId === null || !entry.annotatable || entry.labels.size === 0) continue;
      if (single && entry.labels.size > 1) {
        conflicts.push({ paths: [...entry.paths].sort(), labels: [...entry.labels].sort() });
        continue;
      }
      const ids = [...entry.labels].map((name) => labelIds.get(name));
      annotations.push({
        itemId: entry.itemId,
        userId: userId ?? null,
        labelIds: ids.filter((id): id is number => id !== undefined),
        none: false,
        source: 'import',
      });
    }

    for (let start = 0; start < annotations.length; start += ANNOTATION_BATCH_SIZE) {
      appendAnnotations(this.db, annotations.slice(start, start + ANNOTATION_BATCH_SIZE));
    }
    return { annotationsCreated: annotations.length, conflicts };
  }

  counts() {
    const contentFailures = [...this.byHash.values()].flatMap((entry) =>
      entry.failure ? entry.paths.map((path) => ({ path, reason: entry.failure ?? '' })) : [],
    );
    const failures = [...this.failures, ...contentFailures];
    // A copy of a refused file is reported as a failure, not as a duplicate.
    const refusedCopies =
      contentFailures.length - [...this.byHash.values()].filter((e) => e.failure).length;

    return {
      added: this.added,
      alreadyPresent: this.alreadyPresent,
      duplicates: this.duplicates - refusedCopies,
      failures: failures.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    };
  }
}

function titleFromPath(relativePath: string): string {
  const base = relativePath.split('/').pop() ?? relativePath;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function createLabels(db: Db, collectionId: number, files: FolderFile[]) {
  const before = new Set(listLabels(db, collectionId).map((label) => label.name));
  const names = [...new Set(files.flatMap((file) => (file.label ? [file.label] : [])))].sort();
  const byName = ensureLabels(db, collectionId, names);

  return {
    labelIds: new Map([...byName].map(([name, label]) => [name, label.id])),
    labelsCreated: names.filter((name) => !before.has(name)),
  };
}

async function listRoot(root: string, layout: FolderLayout) {
  try {
    return await listFolder(root, layout);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'ENOTDIR'
          ? 'is not a folder'
          : `cannot be read (${code})`;
    throw new AppError('validation_failed', `The import folder ${root} ${why}.`);
  }
}

/** Imports every image of a folder into a collection and reports what happened to each file. */
export async function importFolder(
  db: Db,
  options: FolderImportOptions,
): Promise<FolderImportReport> {
  const startedMs = Date.now();
  if (!getCollection(db, options.collectionId)) {
    throw new AppError('not_found', `Collection ${options.collectionId} was not found.`);
  }

  const listing = await listRoot(options.root, options.layout ?? 'auto');
  log.info(
    `Importing ${listing.files.length} files from ${options.root} into collection ${options.collectionId}.`,
  );

  const { labelIds, labelsCreated } = createLabels(db, options.collectionId, listing.files);
  const folderImport = new FolderImport(db, {
    ...options,
    dataDir: options.dataDir ?? env().dataDir,
    sourceKind: options.sourceKind ?? 'folder',
  });
  await folderImport.run(listing.files);

  const { annotationsCreated, conflicts } = folderImport.annotate(labelIds);
  const counts = folderImport.counts();
  const report: FolderImportReport = {
    root: options.root,
    collectionId: options.collectionId,
    filesFound: listing.files.length,
    ...counts,
    failures: [...listing.failures, ...counts.failures],
    labelsCreated,
    annotationsCreated,
    skipped: listing.skipped,
    conflicts,
    cancelled: options.signal?.aborted ?? false,
    durationMs: Date.now() - startedMs,
  };

  log.info(
    `The import from ${options.root} ${report.cancelled ? 'was cancelled after adding' : 'added'} ${report.added} items ` +
      `(${report.alreadyPresent} already present, ${report.failures.length} failed) in ${report.durationMs} ms.`,
  );
  return report;
}
