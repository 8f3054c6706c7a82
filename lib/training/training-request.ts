import { z } from 'zod';
import { MODEL_KINDS } from '@/db/schema';
import type { TrainOptionsInput } from '@/lib/ml/train-model';

/**
 * What a training request may set. Only a few head options are exposed to the UI; the rest keep
 * the defaults of lib/ml/train-model.ts, which the evaluation measured.
 */

export const TRAINING_REASONS = ['manual', 'auto', 'review'] as const;
export type TrainingReason = (typeof TRAINING_REASONS)[number];

export const trainingOptionsSchema = z
  .object({
    epochs: z.number().int().min(1).max(1000).optional(),
    hiddenUnits: z.number().int().min(0).max(1024).optional(),
    classWeights: z.enum(['none', 'balanced']).optional(),
    /** Fine-tune the top of the backbone; only possible on the node-gpu backend. */
    fineTune: z.boolean().optional(),
  })
  .strict();
export type TrainingOptions = z.infer<typeof trainingOptionsSchema>;

export const trainingRequestSchema = z
  .object({
    kinds: z
      .array(z.enum(MODEL_KINDS))
      .min(1)
      .max(2)
      .transform((kinds) => [...new Set(kinds)]),
    options: trainingOptionsSchema.default({}),
  })
  .strict();
export type TrainingRequest = z.infer<typeof trainingRequestSchema>;

/** What a training job records in `jobs.params`, read back by the worker. */
export const trainingParamsSchema = z.object({
  kinds: z.array(z.enum(MODEL_KINDS)).min(1),
  options: trainingOptionsSchema,
  reason: z.enum(TRAINING_REASONS),
  backbone: z.string().min(1),
  annotationIdAtRequest: z.number().int().min(0),
});
export type TrainingParams = z.infer<typeof trainingParamsSchema>;

/** The options of lib/ml's trainer that a request's options stand for. */
export function toTrainOptions(options: TrainingOptions): TrainOptionsInput {
  return {
    head: {
      ...(options.epochs === undefined ? {} : { epochs: options.epochs }),
      ...(options.hiddenUnits === undefined ? {} : { hiddenUnits: options.hiddenUnits }),
      ...(options.classWeights === undefined ? {} : { classWeights: options.classWeights }),
    },
  };
}
