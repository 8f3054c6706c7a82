import { z } from 'zod';
import { BACKEND_NAMES } from './backend';
import { RESIZE_POLICIES, type BackboneSpec } from './backbone-spec';

/** Messages between the embedder and its worker threads, validated on both sides. */

export interface WorkerSetup {
  spec: BackboneSpec;
  backend: (typeof BACKEND_NAMES)[number];
  resize: (typeof RESIZE_POLICIES)[number];
}

export const workerSetupSchema = z.object({
  // The spec was built and validated by resolveBackbone in the parent; it is passed through.
  spec: z.custom<BackboneSpec>((value) => typeof value === 'object' && value !== null),
  backend: z.enum(BACKEND_NAMES),
  resize: z.enum(RESIZE_POLICIES),
});

export const toWorkerSchema = z.object({
  type: z.literal('batch'),
  batchId: z.number().int().nonnegative(),
  files: z.array(z.string()),
});
export type ToWorker = z.infer<typeof toWorkerSchema>;

export const fromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), backend: z.enum(BACKEND_NAMES) }),
  z.object({ type: z.literal('failed'), message: z.string() }),
  z.object({
    type: z.literal('result'),
    batchId: z.number().int().nonnegative(),
    vectors: z.array(z.custom<Float32Array>((value) => value instanceof Float32Array).nullable()),
    errors: z.array(z.object({ offset: z.number().int(), message: z.string() })),
  }),
]);
export type FromWorker = z.infer<typeof fromWorkerSchema>;
