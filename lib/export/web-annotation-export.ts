import {
  exportRecords,
  type ExportContext,
  type ExportedModel,
  type ExportRecord,
} from './export-records';

/**
 * W3C Web Annotations in an IIIF Presentation 3 AnnotationPage. Each label of an item is one
 * annotation with motivation "tagging" and a TextualBody holding the label's name. People's
 * annotations name the annotator as a Person; the model's carry a `creator` of type Software
 * naming the model, and its probability in the extension term `curio:score`. Targets are the
 * item's IIIF canvas when it came from a manifest, else the URL of its image in Curio.
 * "None of these" annotations have no label to tag and are left out.
 */

export const CURIO_NAMESPACE = 'https://w3id.org/curio/ns#';

/** Curio's extension terms; IIIF wants extension contexts before its own, which comes last. */
export const CURIO_CONTEXT = {
  curio: CURIO_NAMESPACE,
  'curio:score': { '@type': 'http://www.w3.org/2001/XMLSchema#double' },
  'curio:source': { '@type': 'http://www.w3.org/2001/XMLSchema#string' },
} as const;

export const ANNOTATION_PAGE_CONTEXT = [
  'http://www.w3.org/ns/anno.jsonld',
  CURIO_CONTEXT,
  'http://iiif.io/api/presentation/3/context.json',
] as const;

export interface WebAnnotationOptions {
  /** The app's origin, e.g. "https://curio.example.org", for item and model URLs. */
  baseUrl: string;
  /** The language of the label names, when known. */
  language?: string;
}

/**
 * The IIIF canvas an item was imported from, if any: the IIIF importer keeps the canvas id in
 * metadata.canvasId and as the item's source URI (a canvas without an id is named
 * "<manifest>#canvas-<n>" there, which is still the best target there is).
 */
export function canvasOf(record: ExportRecord): string | null {
  const canvasId = record.metadata.canvasId;
  if (typeof canvasId === 'string' && canvasId.length > 0) return canvasId;
  return record.sourceKind === 'iiif' ? record.sourceUri : null;
}

function targetOf(record: ExportRecord, baseUrl: string): string {
  return canvasOf(record) ?? `${baseUrl}/api/items/${record.itemId}/image`;
}

function body(label: string, language: string | undefined): Record<string, unknown> {
  return {
    type: 'TextualBody',
    value: label,
    format: 'text/plain',
    ...(language ? { language } : {}),
    purpose: 'tagging',
  };
}

function softwareCreator(model: ExportedModel, baseUrl: string): Record<string, unknown> {
  return {
    id: `${baseUrl}/api/models/${model.id}/export`,
    type: 'Software',
    name: `Curio ${model.kind} model ${model.id} (backbone ${model.backbone})`,
  };
}

function personAnnotations(
  record: ExportRecord,
  pageId: string,
  options: WebAnnotationOptions,
): Record<string, unknown>[] {
  if (record.source === null || record.source === 'model' || record.none) return [];
  return record.labels.map((label, index) => ({
    id: `${pageId}#annotation-${record.annotationId}-${index + 1}`,
    type: 'Annotation',
    motivation: 'tagging',
    body: body(label, options.language),
    target: targetOf(record, options.baseUrl),
    ...(record.annotator ? { creator: { type: 'Person', name: record.annotator } } : {}),
    ...(record.annotatedAt === null ? {} : { created: new Date(record.annotatedAt).toISOString() }),
    'curio:source': record.source,
  }));
}

function modelAnnotations(
  record: ExportRecord,
  model: ExportedModel | null,
  pageId: string,
  options: WebAnnotationOptions,
): Record<string, unknown>[] {
  const prediction = record.prediction;
  if (!prediction || !model) return [];
  const scoreOf = new Map(prediction.scores.map((score) => [score.label, score.probability]));
  return prediction.labels.map((label, index) => ({
    id: `${pageId}#model-${model.id}-item-${record.itemId}-${index + 1}`,
    type: 'Annotation',
    motivation: 'tagging',
    body: body(label, options.language),
    target: targetOf(record, options.baseUrl),
    creator: softwareCreator(model, options.baseUrl),
    ...(prediction.createdAt === null
      ? {}
      : { created: new Date(prediction.createdAt).toISOString() }),
    'curio:score': scoreOf.get(label) ?? null,
    'curio:source': 'model',
  }));
}

export async function* webAnnotationExport(
  context: ExportContext,
  options: WebAnnotationOptions,
): AsyncGenerator<string> {
  const pageId = `${options.baseUrl}/api/collections/${context.collection.id}/exports/web-annotations?scope=${context.scope}`;
  const head = {
    '@context': ANNOTATION_PAGE_CONTEXT,
    id: pageId,
    type: 'AnnotationPage',
    label: { none: [`${context.collection.name}: labels (${context.scope})`] },
  };
  yield `${JSON.stringify(head).slice(0, -1)},"items":[`;

  let first = true;
  for await (const record of exportRecords(context)) {
    const annotations = [
      ...personAnnotations(record, pageId, options),
      ...modelAnnotations(record, context.model, pageId, options),
    ];
    for (const annotation of annotations) {
      yield `${first ? '' : ','}\n${JSON.stringify(annotation)}`;
      first = false;
    }
  }
  yield '\n]}\n';
}
