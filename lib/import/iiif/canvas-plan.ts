import {
  annotationPageSchema,
  annotationSchema,
  canvasSchema,
  resourceSchema,
  type IiifCanvas,
  type IiifManifest,
} from './iiif-schema';
import { planImage, selectorRegion, type ImagePlan, type Region } from './image-request';
import { flattenLanguageMap, type FlatText } from './language-map';

/**
 * Turns a (Presentation 3, possibly upgraded) manifest into one planned item per canvas.
 *
 * A canvas's image is its first painting annotation's body; when that body is a Choice, the
 * Choice's first item, which is its default (Presentation 3; an upgraded Presentation 2 oa:Choice
 * puts its `default` first too). A canvas composed of several painting images (a composite) still
 * becomes one item, from its first image; the report notes how many were left aside, since Curio
 * labels one image per item. A SpecificResource body is cropped by its ImageApiSelector or
 * "xywh=" fragment. Annotations with no motivation count as painting (some Presentation 2 writers
 * leave it empty). A canvas with no painting image is skipped and reported.
 */

export interface IiifNote {
  /** The manifest or canvas id (or its position when it has none). */
  path: string;
  reason: string;
}

export interface MetadataPair {
  label: string;
  value: string;
  language: string | null;
  translations?: Record<string, string>;
}

export interface IiifItemMetadata {
  source: 'iiif';
  manifestId: string;
  manifestUrl: string;
  canvasId: string | null;
  canvasIndex: number;
  manifestLabel: FlatText | null;
  canvasLabel: FlatText | null;
  summary: FlatText | null;
  metadata: MetadataPair[];
  rights: string | null;
  requiredStatement: { label: string; value: string } | null;
  imageUrl: string;
  region: string | null;
}

export interface CanvasPlan {
  /** The canvas id, or manifest id + "#canvas-N" when the canvas has none. */
  sourceUri: string;
  title: string;
  image: ImagePlan;
  metadata: IiifItemMetadata;
}

export interface ManifestPlan {
  canvases: CanvasPlan[];
  failures: IiifNote[];
  notes: IiifNote[];
}

function metadataPairs(entries: IiifManifest['metadata']): MetadataPair[] {
  return (entries ?? []).flatMap((entry) => {
    const label = flattenLanguageMap(entry.label);
    const value = flattenLanguageMap(entry.value);
    if (!label || !value) return [];
    const pair: MetadataPair = { label: label.text, value: value.text, language: value.language };
    if (value.translations) pair.translations = value.translations;
    return [pair];
  });
}

function statement(value: IiifManifest['requiredStatement']) {
  const label = flattenLanguageMap(value?.label);
  const text = flattenLanguageMap(value?.value);
  return text ? { label: label?.text ?? 'Attribution', value: text.text } : null;
}

function isPainting(motivation: string | string[] | null | undefined): boolean {
  if (motivation === null || motivation === undefined || motivation === '') return true;
  const list = Array.isArray(motivation) ? motivation : [motivation];
  return list.some((entry) => /painting/i.test(entry));
}

/** The image resource of a body and any crop it asks for, unwrapping Choice and SpecificResource. */
function unwrapBody(body: unknown, depth = 0): { resource: unknown; region: Region | null } | null {
  if (depth > 4) return null;
  const first = Array.isArray(body) ? body[0] : body;
  const parsed = resourceSchema.safeParse(first);
  if (!parsed.success) return null;

  const resource = parsed.data;
  if (resource.type === 'Choice') return unwrapBody(resource.items?.[0], depth + 1);
  if (resource.type === 'SpecificResource') {
    const inner = unwrapBody(resource.source, depth + 1);
    return inner ? { resource: inner.resource, region: selectorRegion(resource.selector) } : null;
  }
  return { resource: first, region: null };
}

function paintingBodies(canvas: IiifCanvas): unknown[] {
  return canvas.items.flatMap((page) => {
    const parsedPage = annotationPageSchema.safeParse(page);
    if (!parsedPage.success) return [];
    return parsedPage.data.items.flatMap((annotation) => {
      const parsed = annotationSchema.safeParse(annotation);
      if (!parsed.success || parsed.data.body === undefined) return [];
      return isPainting(parsed.data.motivation) ? [parsed.data.body] : [];
    });
  });
}

/** Canvas labels that say nothing ("-", " -  [1]" stays, since it carries the page number). */
function meaningful(label: string | null): string | null {
  return label && /[\p{L}\p{N}]/u.test(label) ? label : null;
}

function titleOf(
  manifestLabel: string | null,
  canvasLabel: string | null,
  index: number,
  count: number,
) {
  const base = manifestLabel ?? 'Untitled IIIF manifest';
  if (canvasLabel) return `${base} — ${canvasLabel}`;
  return count > 1 ? `${base} — ${index + 1}` : base;
}

/**
 * Presentation 2 faults that the upgrade to 3 papers over, so the report can still name them:
 * an entry of a canvas's `images` whose `@type` is not `oa:Annotation`.
 */
function presentation2Notes(raw: Record<string, unknown> | undefined): IiifNote[] {
  const sequences = Array.isArray(raw?.sequences) ? (raw.sequences as unknown[]) : [];
  const canvases = sequences.flatMap((sequence) => {
    const list = (sequence as { canvases?: unknown } | null)?.canvases;
    return Array.isArray(list) ? (list as unknown[]) : [];
  });

  return canvases.flatMap((canvas, index) => {
    const images = (canvas as { images?: unknown } | null)?.images;
    if (!Array.isArray(images)) return [];
    return images.flatMap((image) => {
      const type = (image as { '@type'?: unknown } | null)?.['@type'];
      if (type === undefined || type === 'oa:Annotation') return [];
      const id = (canvas as { '@id'?: unknown })['@id'];
      return [
        {
          path: typeof id === 'string' ? id : `canvas ${index + 1}`,
          reason:
            `an image annotation has @type "${String(type)}" instead of "oa:Annotation"; ` +
            'read as an image anyway',
        },
      ];
    });
  });
}

export function planManifest(
  manifest: IiifManifest,
  manifestUrl: string,
  raw?: Record<string, unknown>,
): ManifestPlan {
  const plan: ManifestPlan = { canvases: [], failures: [], notes: presentation2Notes(raw) };
  const manifestLabel = flattenLanguageMap(manifest.label);
  const count = manifest.items.length;
  if (!manifestLabel) {
    plan.notes.push({
      path: manifest.id,
      reason: 'the manifest has no label; its items are titled "Untitled IIIF manifest"',
    });
  }

  manifest.items.forEach((rawCanvas, index) => {
    const fallbackId = `${manifest.id}#canvas-${index + 1}`;
    const parsed = canvasSchema.safeParse(rawCanvas);
    if (!parsed.success) {
      plan.failures.push({ path: fallbackId, reason: 'the canvas is malformed; skipped' });
      return;
    }
    const canvas = parsed.data;
    const canvasId = canvas.id && canvas.id.length > 0 ? canvas.id : null;
    const sourceUri = canvasId ?? fallbackId;
    if (!canvasId) {
      plan.notes.push({
        path: sourceUri,
        reason: `canvas ${index + 1} has no id; named by position`,
      });
    }

    const bodies = paintingBodies(canvas);
    if (bodies.length === 0) {
      plan.failures.push({ path: sourceUri, reason: 'the canvas has no painting image; skipped' });
      return;
    }
    if (!canvas.width || !canvas.height) {
      plan.notes.push({
        path: sourceUri,
        reason:
          `canvas ${index + 1} declares no size ` +
          `(${canvas.width ?? '?'}×${canvas.height ?? '?'}); the image's own size is used`,
      });
    }
    if (bodies.length > 1) {
      plan.notes.push({
        path: sourceUri,
        reason: `the canvas is composed of ${bodies.length} images; the first was imported`,
      });
    }

    const unwrapped = unwrapBody(bodies[0]);
    const image = unwrapped
      ? planImage(unwrapped.resource, unwrapped.region)
      : ({ ok: false, reason: 'its painting body is not an image' } as const);
    if (!image.ok) {
      plan.failures.push({ path: sourceUri, reason: `${image.reason}; skipped` });
      return;
    }

    const canvasLabel = flattenLanguageMap(canvas.label);
    plan.canvases.push({
      sourceUri,
      title: titleOf(
        manifestLabel?.text ?? null,
        meaningful(canvasLabel?.text ?? null),
        index,
        count,
      ),
      image: image.plan,
      metadata: {
        source: 'iiif',
        manifestId: manifest.id,
        manifestUrl,
        canvasId,
        canvasIndex: index,
        manifestLabel,
        canvasLabel,
        summary: flattenLanguageMap(canvas.summary) ?? flattenLanguageMap(manifest.summary),
        metadata: [...metadataPairs(manifest.metadata), ...metadataPairs(canvas.metadata)],
        rights: canvas.rights ?? manifest.rights ?? null,
        requiredStatement:
          statement(canvas.requiredStatement) ?? statement(manifest.requiredStatement),
        imageUrl: image.plan.url,
        region: image.plan.region,
      },
    });
  });
  return plan;
}
