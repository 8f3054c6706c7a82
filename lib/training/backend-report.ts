import { z } from 'zod';
import type { Job } from '@/lib/jobs/job-repo';

/**
 * Which TF.js backend the training worker used, and why the others did not load, as recorded on
 * the newest finished training job. The web server itself never loads TF.js for this.
 */

const attemptsSchema = z.object({
  backend: z.string(),
  backendAttempts: z.array(
    z.object({ backend: z.string(), ok: z.boolean(), reason: z.string().optional() }),
  ),
});

export interface BackendReport {
  backend: string | null;
  summary: string;
  /** Null when fine-tuning could run (the node-gpu backend), else why it cannot. */
  fineTuneUnavailableReason: string | null;
}

export function backendReport(recentJobs: readonly Job[]): BackendReport {
  const recorded = recentJobs
    .map((job) => attemptsSchema.safeParse(job.result))
    .find((parsed) => parsed.success)?.data;
  if (!recorded) {
    return {
      backend: null,
      summary: 'The TF.js backend is chosen when the first training job runs.',
      fineTuneUnavailableReason:
        'needs the node-gpu backend; no training job has shown it is available yet.',
    };
  }

  const failed = recorded.backendAttempts
    .filter((attempt) => !attempt.ok)
    .map((attempt) => `${attempt.backend} (${attempt.reason ?? 'did not load'})`);
  const summary =
    `The last training ran on the ${recorded.backend} backend.` +
    (failed.length > 0 ? ` Not loaded: ${failed.join('; ')}.` : '');
  return {
    backend: recorded.backend,
    summary,
    fineTuneUnavailableReason:
      recorded.backend === 'node-gpu'
        ? // TODO: fine-tuning the backbone top on node-gpu is not implemented yet.
          'not implemented yet, even on node-gpu; heads are trained on frozen embeddings.'
        : `needs the node-gpu backend; training runs on ${recorded.backend}, so only the head is trained.`,
  };
}
