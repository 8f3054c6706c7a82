import type { Db } from '@/db/client';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { createJob, type Job } from '@/lib/jobs/job-repo';
import { runInBackground } from '@/lib/jobs/run-in-background';
import { importFolder } from './folder-import';

export interface FolderImportJobRequest {
  collectionId: number;
  /** An already resolved, allowed folder (see import-roots.ts). */
  folder: string;
  userId: number | null;
}

/**
 * Creates an import job and runs the folder import in the background; the job's result is the
 * import report. Returns the job as created, before any file is read.
 */
export function startFolderImportJob(db: Db, request: FolderImportJobRequest): Job {
  found(getCollection(db, request.collectionId), `Collection ${request.collectionId}`);

  const job = createJob(db, {
    kind: 'import',
    collectionId: request.collectionId,
    params: { source: 'folder', folder: request.folder },
    createdBy: request.userId,
  });

  void runInBackground(db, job.id, async ({ signal, progress }) => {
    const report = await importFolder(db, {
      root: request.folder,
      collectionId: request.collectionId,
      userId: request.userId,
      signal,
      onProgress: (done, total) => progress({ stage: 'importing', done, total }),
    });
    return { result: { ...report }, cancelled: report.cancelled };
  });
  return job;
}
