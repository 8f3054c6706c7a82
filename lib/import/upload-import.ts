import type { Db } from '@/db/client';
import { getCollection } from '@/lib/collections/collection-repo';
import { findItemByHash, insertItem } from '@/lib/collections/item-repo';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { sha256Hex, storeImage } from '@/lib/images/image-store';

/**
 * Imports images uploaded from the browser, a small batch per request (the imports page sends a
 * few files at a time so that its progress bar moves and one bad batch costs little). Each file is
 * validated and stored, deduplicated by content within the collection; a refused file is reported
 * by its name and the others are kept.
 */

export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

export interface UploadNote {
  path: string;
  reason: string;
}

export interface UploadImportReport {
  source: 'upload';
  filesFound: number;
  added: number;
  alreadyPresent: number;
  /** Files whose bytes an earlier file of this same batch already brought in. */
  duplicates: number;
  failures: UploadNote[];
  itemIds: number[];
}

function titleFromName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? name;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export async function importUploadedFiles(
  db: Db,
  request: { collectionId: number; files: UploadedFile[]; dataDir?: string },
): Promise<UploadImportReport> {
  if (!getCollection(db, request.collectionId)) {
    throw new AppError('not_found', `Collection ${request.collectionId} was not found.`);
  }
  const dataDir = request.dataDir ?? env().dataDir;
  const report: UploadImportReport = {
    source: 'upload',
    filesFound: request.files.length,
    added: 0,
    alreadyPresent: 0,
    duplicates: 0,
    failures: [],
    itemIds: [],
  };
  const seen = new Set<string>();

  for (const file of request.files) {
    const hash = sha256Hex(file.bytes);
    if (seen.has(hash)) {
      report.duplicates += 1;
      continue;
    }
    seen.add(hash);

    const existing = findItemByHash(db, request.collectionId, hash);
    if (existing) {
      report.alreadyPresent += 1;
      report.itemIds.push(existing.id);
      continue;
    }

    const stored = await storeImage(file.bytes, request.collectionId, dataDir);
    if (!stored.ok) {
      report.failures.push({ path: file.name, reason: stored.reason });
      continue;
    }
    const item = insertItem(db, {
      collectionId: request.collectionId,
      sourceKind: 'upload',
      sourceUri: file.name,
      contentHash: stored.image.contentHash,
      filePath: stored.image.filePath,
      mimeType: stored.image.mimeType,
      sizeBytes: stored.image.sizeBytes,
      width: stored.image.width,
      height: stored.image.height,
      title: titleFromName(file.name),
    });
    report.added += 1;
    report.itemIds.push(item.id);
  }
  return report;
}
