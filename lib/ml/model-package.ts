import { z } from 'zod';

/**
 * The extra file of an exported model zip: the thresholds in force when it was exported. The
 * card keeps the thresholds as tuned; a curator's override lives on the models row, and this
 * file carries it out of the app.
 */

export const ACTIVE_THRESHOLDS_FILE = 'thresholds.json';

export const activeThresholdsSchema = z.object({
  modelId: z.number().int(),
  kind: z.enum(['classifier', 'labeler']),
  labels: z.array(z.string()),
  thresholds: z.array(z.number()).nullable(),
  noveltyThreshold: z.number().nullable(),
});
export type ActiveThresholds = z.infer<typeof activeThresholdsSchema>;
