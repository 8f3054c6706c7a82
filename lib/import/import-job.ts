import fs from 'node:fs/promises';
import type { Db } from '@/db/client';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { createJob, type Job } from '@/lib/jobs/job-repo';
import { runInBackground, type JobOutcome } from '@/lib/jobs/run-in-background';

/**
 * Starts an import job whose work is a function of the job's signal and progress callback, and
 * removes the uploaded temporary files when it ends, whatever the outcome. Shared by the zip,
 * IIIF and CSV sources, whose reports become the job's result.
 */

export interface ImportJobRequest {
  collectionId: number;
  userId: number | null;
  params: Record<string, unknown> & { source: string };
  /** Temporary files the job owns (uploaded archives, CSVs); deleted when it ends. */
  ownedFiles?: string[];
}

export type ImportWork = (context: {
  signal: AbortSignal;
  progress: (progress: { stage: string; done: number; total: number }) => void;
}) => Promise<Record<string, unknown> & { cancelled: boolean }>;

export function startImportJob(db: Db, request: ImportJobRequest, work: ImportWork): Job {
  found(getCollection(db, request.collectionId), `Collection ${request.collectionId}`);

  const job = createJob(db, {
    kind: 'import',
    collectionId: request.collectionId,
    params: request.params,
    createdBy: request.userId,
  });

  void runInBackground(db, job.id, async ({ signal, progress }): Promise<JobOutcome> => {
    try {
      const report = await work({ signal, progress });
      return { result: report, cancelled: report.cancelled };
    } finally {
      await Promise.all(
        (request.ownedFiles ?? []).map((file) => fs.rm(file, { recursive: true, force: true })),
      );
    }
  });
  return job;
}
