import { z } from 'zod';

/**
 * What Curio needs to know to turn an image into a feature vector with a frozen network: where
 * the weights are, which layer or node to read, how to scale pixels and how to pool.
 */

export const normalizationSchema = z.discriminatedUnion('kind', [
  /** Pixels mapped linearly from 0..255 to min..max, such as [-1, 1] or [0, 1]. */
  z.object({ kind: z.literal('range'), min: z.number(), max: z.number() }),
  /** (pixel / 255 − mean) / std per channel, the torchvision convention. */
  z.object({
    kind: z.literal('mean-std'),
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  }),
]);
export type Normalization = z.infer<typeof normalizationSchema>;

/** mean: the features are N×H×W×C and Curio averages over H and W; none: they are N×C. */
export const POOLINGS = ['mean', 'none'] as const;
export type Pooling = (typeof POOLINGS)[number];

export const BACKBONE_FORMATS = ['layers', 'graph'] as const;
export type BackboneFormat = (typeof BACKBONE_FORMATS)[number];

export const RESIZE_POLICIES = ['squish', 'letterbox'] as const;
export type ResizePolicy = (typeof RESIZE_POLICIES)[number];

export type BackboneSource =
  | { kind: 'nsfwjs'; model: 'mobilenet_v2' | 'mobilenet_v2_mid' | 'inception_v3' }
  | { kind: 'folder'; dir: string };

export interface BackboneSpec {
  /** The key embeddings are cached under; includes "@size" when the input size was overridden. */
  id: string;
  name: string;
  description: string;
  source: BackboneSource;
  format: BackboneFormat;
  inputSize: number;
  /** Whether other input sizes work (the network is cut before any fixed-size pooling). */
  flexibleInput: boolean;
  /** Layer name (layers format) or output node name (graph format) to read the features from. */
  featureNode?: string;
  pooling: Pooling;
  normalization: Normalization;
  /** Feature length when known in advance. */
  dim?: number;
  /** Guesses made for lack of a descriptor, logged when the backbone loads. */
  assumptions?: string[];
}

/**
 * `curio-backbone.json`, written by an admin beside a TF.js `model.json`. Every field but the id
 * can be inferred from model.json; see docs/ml-runtime.md.
 */
export const backboneDescriptorSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'use lower-case letters, digits, ".", "_" and "-"')
    .max(64),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  format: z.enum(BACKBONE_FORMATS).optional(),
  inputSize: z.number().int().min(32).max(1024).optional(),
  featureNode: z.string().min(1).optional(),
  pooling: z.enum(POOLINGS).optional(),
  normalization: normalizationSchema.optional(),
  dim: z.number().int().positive().optional(),
});
export type BackboneDescriptor = z.infer<typeof backboneDescriptorSchema>;

/** Fields a caller may override when a folder has no descriptor or it needs correcting. */
export type BackboneOverrides = Partial<BackboneDescriptor>;

export function floatsPerImage(spec: Pick<BackboneSpec, 'inputSize'>): number {
  return spec.inputSize * spec.inputSize * 3;
}
