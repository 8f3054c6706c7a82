import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@/db/client';
import { env } from '@/lib/env';
import { importFolder, type FolderImportReport } from './folder-import';
import { extractZipSafely, type ZipEntryNote, type ZipLimits } from './zip-reader';

/**
 * Imports a zip archive by unpacking its safe entries into a private scratch folder under the data
 * directory and running the folder import over it, so a zip behaves exactly like a folder
 * (folder-per-label, deduplication, labels, reports). The scratch folder is removed afterwards;
 * only the content-addressed originals remain in the collection's storage.
 */

export interface ZipImportOptions {
  zipPath: string;
  /** The archive's name as uploaded, for the report. */
  fileName: string;
  collectionId: number;
  userId?: number | null;
  dataDir?: string;
  limits?: Partial<ZipLimits>;
  onProgress?: (progress: {
    stage: 'unpacking' | 'importing';
    done: number;
    total: number;
  }) => void;
  signal?: AbortSignal;
}

export interface ZipImportReport extends Omit<FolderImportReport, 'root'> {
  source: 'zip';
  fileName: string;
  /** Entries refused while unpacking (unsafe names, links, oversize) are among `failures`. */
  refusedEntries: number;
}

/** A new, empty scratch folder inside the data directory. */
export async function makeScratchFolder(dataDir: string, prefix: string): Promise<string> {
  const folder = path.join(dataDir, 'tmp', `${prefix}-${crypto.randomBytes(8).toString('hex')}`);
  await fs.mkdir(folder, { recursive: true });
  return folder;
}

function sortNotes(notes: ZipEntryNote[]): ZipEntryNote[] {
  return [...notes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export async function importZip(db: Db, options: ZipImportOptions): Promise<ZipImportReport> {
  const dataDir = options.dataDir ?? env().dataDir;
  const scratch = await makeScratchFolder(dataDir, 'zip');

  try {
    const extraction = await extractZipSafely(options.zipPath, scratch, {
      limits: options.limits,
      signal: options.signal,
      onEntry: (done, total) => options.onProgress?.({ stage: 'unpacking', done, total }),
    });

    const folderReport = await importFolder(db, {
      root: scratch,
      collectionId: options.collectionId,
      sourceKind: 'zip',
      userId: options.userId ?? null,
      dataDir,
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.({ stage: 'importing', done, total }),
    });

    const { root: _root, ...rest } = folderReport;
    return {
      ...rest,
      source: 'zip',
      fileName: options.fileName,
      filesFound: folderReport.filesFound + extraction.refused.length,
      failures: sortNotes([...extraction.refused, ...folderReport.failures]),
      skipped: sortNotes([...extraction.skipped, ...folderReport.skipped]),
      refusedEntries: extraction.refused.length,
    };
  } finally {
    await fs.rm(scratch, { recursive: true, force: true });
  }
}
