import type { Db } from '@/db/client';
import { getJob } from '@/lib/jobs/job-repo';
import { runJob, type JobContext, type JobOutcome } from '@/lib/jobs/run-in-background';
import { createLogger } from '@/lib/log';
import { initTf } from '@/lib/ml/backend';
import { trainCollection } from '@/lib/ml/train-collection';
import { ProgressEstimator } from './training-progress';
import { toTrainOptions, trainingParamsSchema, type TrainingParams } from './training-request';

/**
 * The work of one training job, run inside the worker process: train the requested kinds on one
 * annotation snapshot with lib/ml's trainCollection and record progress, the outcome and the
 * TF.js backend that ran it on the job row.
 */

const log = createLogger('training:job');

export interface RunTrainingJobInput {
  db: Db;
  jobId: number;
  dataDir: string;
}

async function train(input: RunTrainingJobInput, params: TrainingParams, context: JobContext) {
  const job = getJob(input.db, input.jobId);
  if (!job?.collectionId) throw new Error(`Job ${input.jobId} names no collection.`);

  const runtime = await initTf();
  if (params.options.fineTune && runtime.backend !== 'node-gpu') {
    log.warn(
      `Job ${input.jobId} asked to fine-tune on ${runtime.backend}; training the head only.`,
    );
  }
  // TODO: fine-tuning the top backbone blocks on node-gpu is not implemented; every run trains
  // the head on frozen embeddings, whatever params.options.fineTune says.

  const estimator = new ProgressEstimator(params.kinds);
  const results = await trainCollection({
    db: input.db,
    dataDir: input.dataDir,
    collectionId: job.collectionId,
    kinds: params.kinds,
    backbone: params.backbone,
    options: toTrainOptions(params.options),
    signal: context.signal,
    jobId: input.jobId,
    createdBy: job.createdBy,
    onProgress: (progress) => context.progress(estimator.toJobProgress(progress)),
  });

  return {
    backend: runtime.backend,
    backendAttempts: runtime.attempts,
    models: results.map((result) => ({
      kind: result.kind,
      modelId: result.modelId,
      trainCount: result.trainCount,
      validationCount: result.validationCount,
      macroF1: result.metrics.macroF1,
      scoredItems: result.scoredItems,
    })),
  };
}

/** Runs the job to a final state; never throws (failures are recorded on the job). */
export async function runTrainingJob(input: RunTrainingJobInput): Promise<void> {
  await runJob(input.db, input.jobId, async (context): Promise<JobOutcome> => {
    const job = getJob(input.db, input.jobId);
    const params = trainingParamsSchema.parse(job?.params);
    try {
      return { result: await train(input, params, context) };
    } catch (error) {
      if (context.signal.aborted) return { result: { cancelled: true }, cancelled: true };
      throw error;
    }
  });
}
