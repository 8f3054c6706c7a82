import { z } from 'zod';

/**
 * What an export can be: its format, which decisions it carries (its scope) and the options of
 * the formats that have any. Shared by the route, the export page and the CLI.
 */

export const EXPORT_FORMATS = [
  'csv',
  'jsonl',
  'hf-imagefolder',
  'coco',
  'web-annotations',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * human: every current annotation a person made (in Curio, in review, or brought by an import);
 * reviewed: only those confirmed in the review queue; model: the active model's predictions at
 * its active thresholds; all: every item, with its annotation and the model's prediction.
 */
export const EXPORT_SCOPES = ['human', 'reviewed', 'model', 'all'] as const;
export type ExportScope = (typeof EXPORT_SCOPES)[number];

export const FORMAT_TITLES: Record<ExportFormat, string> = {
  csv: 'CSV (one row per item)',
  jsonl: 'JSON Lines (one object per item)',
  'hf-imagefolder': 'Hugging Face imagefolder (zip with images)',
  coco: 'COCO JSON (full-image boxes)',
  'web-annotations': 'W3C Web Annotations (IIIF AnnotationPage)',
};

export const SCOPE_TITLES: Record<ExportScope, string> = {
  human: 'Human annotations (Curio, review and import)',
  reviewed: 'Reviewed annotations only',
  model: 'Model predictions at the active thresholds',
  all: 'All items: annotations and model predictions',
};

export const exportOptionsSchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  scope: z.enum(EXPORT_SCOPES).default('human'),
  /** Which active model supplies predictions; by default the one matching the collection's mode. */
  modelKind: z.enum(['classifier', 'labeler']).optional(),
  /** hf-imagefolder: share of each label's items put in validation/. */
  validationRatio: z.coerce.number().min(0).max(0.9).default(0.2),
  /** hf-imagefolder: seed of the split, so that the same export gives the same split. */
  seed: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(42),
  /** hf-imagefolder, single-label collections: train/<label>/<file> instead of a flat split. */
  folderPerLabel: z
    .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'on'])])
    .transform((value) => value === true || value === 'true' || value === '1' || value === 'on')
    .default(false),
  /** web-annotations: the BCP 47 language of the label names, when the curator knows it. */
  language: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'a BCP 47 tag such as "en" or "de-CH"')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
export type ExportOptions = z.infer<typeof exportOptionsSchema>;
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;
