import { z } from 'zod';
import { languageMapSchema } from './language-map';

/**
 * The parts of IIIF Presentation 3 that the importer reads, validated after Presentation 2
 * documents have been upgraded to 3 by @iiif/parser. Objects are loose (IIIF is open-world) and
 * nested resources are parsed one level at a time, so one malformed canvas or body is reported
 * on its own instead of failing its whole manifest.
 */

const dimension = z.number().nonnegative().optional().catch(undefined);

export const labelValueSchema = z.object({
  label: languageMapSchema.nullish(),
  value: languageMapSchema.nullish(),
});

export const manifestSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('Manifest'),
  label: languageMapSchema.nullish(),
  summary: languageMapSchema.nullish(),
  metadata: z.array(labelValueSchema).nullish().catch(null),
  rights: z.string().nullish().catch(null),
  requiredStatement: labelValueSchema.nullish().catch(null),
  items: z.array(z.unknown()).default([]),
});
export type IiifManifest = z.infer<typeof manifestSchema>;

export const collectionSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal('Collection'),
  label: languageMapSchema.nullish(),
  items: z.array(z.unknown()).default([]),
});

export const memberSchema = z.looseObject({
  id: z.string().min(1),
  type: z.enum(['Manifest', 'Collection']),
  label: languageMapSchema.nullish(),
});

export const documentTypeSchema = z.looseObject({ type: z.enum(['Manifest', 'Collection']) });

export const canvasSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  label: languageMapSchema.nullish().catch(null),
  summary: languageMapSchema.nullish().catch(null),
  metadata: z.array(labelValueSchema).nullish().catch(null),
  rights: z.string().nullish().catch(null),
  requiredStatement: labelValueSchema.nullish().catch(null),
  width: dimension,
  height: dimension,
  items: z.array(z.unknown()).default([]),
});
export type IiifCanvas = z.infer<typeof canvasSchema>;

export const annotationPageSchema = z.looseObject({ items: z.array(z.unknown()).default([]) });

export const annotationSchema = z.looseObject({
  id: z.string().optional(),
  motivation: z.union([z.string(), z.array(z.string())]).nullish(),
  body: z.unknown().optional(),
  target: z.unknown().optional(),
});

export const sizeSchema = z.object({ width: z.number().positive(), height: z.number().positive() });

export const serviceSchema = z.looseObject({
  id: z.string().optional(),
  '@id': z.string().optional(),
  type: z.string().optional(),
  '@type': z.string().optional(),
  '@context': z.unknown().optional(),
  profile: z.unknown().optional(),
  width: dimension,
  height: dimension,
  maxWidth: dimension,
  maxHeight: dimension,
  maxArea: dimension,
  sizes: z.array(sizeSchema).optional().catch(undefined),
});
export type IiifService = z.infer<typeof serviceSchema>;

export const resourceSchema = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  format: z.string().optional(),
  width: dimension,
  height: dimension,
  service: z.union([z.array(z.unknown()), z.unknown()]).optional(),
  items: z.array(z.unknown()).optional(),
  source: z.unknown().optional(),
  selector: z.unknown().optional(),
});
export type IiifResource = z.infer<typeof resourceSchema>;

export const selectorSchema = z.looseObject({
  type: z.string().optional(),
  value: z.string().optional(),
  region: z.string().optional(),
});
