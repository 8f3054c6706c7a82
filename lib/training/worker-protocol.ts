import { z } from 'zod';

/** Messages the supervisor sends a training worker over the IPC channel. */
export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cancel') }),
]);
export type ToWorker = z.infer<typeof toWorkerSchema>;
