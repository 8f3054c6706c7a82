import path from 'node:path';
import type { Db } from '@/db/client';
import type { AnnotationMode, AnnotationSource, ModelKind } from '@/db/schema';
import {
  getCollection,
  listLabels,
  type Collection,
  type Label,
} from '@/lib/collections/collection-repo';
import { AppError } from '@/lib/errors';
import { getActiveModel, type ModelRow } from '@/lib/ml/model-repo';
import type { ExportOptions, ExportScope } from './export-options';
import { listExportRows, type ExportRow } from './export-repo';

/**
 * The format-neutral record of one exported item: who or what labelled it, with which labels,
 * and (where the scope includes them) the active model's scores. Every format is written from
 * these records, so provenance reads the same in all of them.
 */

export type RecordSource = AnnotationSource | 'model';

export interface ExportedModel {
  id: number;
  kind: ModelKind;
  backbone: string;
  /** Label names in the model's output order. */
  labelNames: string[];
}

export interface PredictionRecord {
  modelId: number;
  labels: string[];
  /** Probability per label name, in the model's output order. */
  scores: { label: string; probability: number }[];
  /** Labeler: no label passed its threshold ("none of these"). */
  noLabel: boolean;
  /** Novelty above the model's threshold: the item looks unlike anything trained on. */
  outOfScope: boolean;
  novelty: number | null;
  createdAt: number | null;
}

export interface ExportRecord {
  itemId: number;
  /** dcterms:identifier when the institution gave one, else "sha256:<content hash>". */
  identifier: string;
  /** The original file's name. */
  fileName: string;
  /** A name unique within the collection, for archives: "<hash prefix>-<file name>". */
  archiveName: string;
  filePath: string;
  mimeType: string;
  width: number;
  height: number;
  title: string | null;
  sourceKind: string;
  sourceUri: string;
  metadata: Record<string, unknown>;
  /** The labels this record asserts: the person's, or the model's when no person decided. */
  labels: string[];
  /** Someone (or, for source model, the labeler) said no label fits. */
  none: boolean;
  /** Null for an item nobody and no model labelled (scope all). */
  source: RecordSource | null;
  annotationId: number | null;
  annotator: string | null;
  annotatedAt: number | null;
  prediction: PredictionRecord | null;
}

export interface ExportContext {
  db: Db;
  collection: Collection;
  labels: Label[];
  scope: ExportScope;
  model: ExportedModel | null;
  pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 250;

/** The model whose predictions a scope needs: the kind asked for, else the mode's natural one. */
function pickModel(
  db: Db,
  collectionId: number,
  mode: AnnotationMode,
  kind: ModelKind | undefined,
): ModelRow | undefined {
  if (kind) return getActiveModel(db, collectionId, kind);
  const preferred: ModelKind = mode === 'single' ? 'classifier' : 'labeler';
  const other: ModelKind = preferred === 'classifier' ? 'labeler' : 'classifier';
  return getActiveModel(db, collectionId, preferred) ?? getActiveModel(db, collectionId, other);
}

export function createExportContext(
  db: Db,
  collectionId: number,
  options: Pick<ExportOptions, 'scope' | 'modelKind'>,
  pageSize = DEFAULT_PAGE_SIZE,
): ExportContext {
  const collection = getCollection(db, collectionId);
  if (!collection) throw new AppError('not_found', `Collection ${collectionId} was not found.`);

  const labels = listLabels(db, collectionId);
  const wantsModel = options.scope === 'model' || options.scope === 'all';
  const row = wantsModel
    ? pickModel(db, collectionId, collection.annotationMode, options.modelKind)
    : undefined;
  if (options.scope === 'model' && !row) {
    throw new AppError(
      'conflict',
      'This collection has no active model yet, so there are no predictions to export.',
    );
  }

  const nameOf = new Map(labels.map((label) => [label.id, label.name]));
  const model = row
    ? {
        id: row.id,
        kind: row.kind,
        backbone: row.backbone,
        labelNames: row.labelIds.map((id) => nameOf.get(id) ?? `label ${id}`),
      }
    : null;
  return { db, collection, labels, scope: options.scope, model, pageSize };
}

function predictionOf(
  row: ExportRow,
  model: ExportedModel | null,
  nameOf: Map<number, string>,
): PredictionRecord | null {
  if (!model || row.probabilities === null) return null;
  return {
    modelId: model.id,
    labels: (row.predictedLabelIds ?? []).map((id) => nameOf.get(id) ?? `label ${id}`),
    scores: row.probabilities.map((probability, index) => ({
      label: model.labelNames[index],
      probability,
    })),
    noLabel: row.noLabel,
    outOfScope: row.isNovel,
    novelty: row.novelty,
    createdAt: row.predictedAt,
  };
}

function toRecord(
  row: ExportRow,
  context: ExportContext,
  nameOf: Map<number, string>,
): ExportRecord {
  const fileName =
    path.posix.basename(row.sourceUri.replace(/[?#].*$/, '')) || `item-${row.itemId}`;
  const prediction = predictionOf(row, context.model, nameOf);
  // The model scope reports what the model says, even for items a person has labelled.
  const annotated = row.annotationKind !== null && context.scope !== 'model';
  const fromModel = !annotated && prediction !== null;

  return {
    itemId: row.itemId,
    identifier: row.identifier ?? `sha256:${row.contentHash}`,
    fileName,
    archiveName: `${row.contentHash.slice(0, 12)}-${fileName.replace(/[^\w.\-]+/g, '_')}`,
    filePath: row.filePath,
    mimeType: row.mimeType,
    width: row.width,
    height: row.height,
    title: row.title,
    sourceKind: row.sourceKind,
    sourceUri: row.sourceUri,
    metadata: row.metadata,
    labels: annotated
      ? row.annotationLabelIds.map((id) => nameOf.get(id) ?? `label ${id}`)
      : (prediction?.labels ?? []),
    none: annotated ? row.annotationKind === 'none' : fromModel && prediction.noLabel,
    source: annotated ? row.annotationSource : fromModel ? 'model' : null,
    annotationId: row.annotationId,
    annotator: row.annotator,
    annotatedAt: annotated ? row.annotatedAt : (prediction?.createdAt ?? null),
    // Person-only scopes leave the model out even when one is active.
    prediction: context.scope === 'human' || context.scope === 'reviewed' ? null : prediction,
  };
}

/** Every record of the export, one database page at a time. */
export async function* exportRecords(context: ExportContext): AsyncGenerator<ExportRecord> {
  const nameOf = new Map(context.labels.map((label) => [label.id, label.name]));
  let afterId = 0;

  for (;;) {
    const rows = listExportRows(context.db, {
      collectionId: context.collection.id,
      scope: context.scope,
      modelId: context.model?.id ?? null,
      afterId,
      limit: context.pageSize,
    });
    for (const row of rows) yield toRecord(row, context, nameOf);
    if (rows.length < context.pageSize) return;
    afterId = rows[rows.length - 1].itemId;
  }
}

/** A metadata value as text: strings as they are, anything else as JSON. */
export function metadataText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The item's rights statement from its Dublin Core metadata, if it has one. */
export function rightsOf(record: ExportRecord): string | null {
  for (const key of ['dcterms:rights', 'dc:rights', 'rights', 'dcterms:license', 'license']) {
    const value = record.metadata[key];
    if (value !== undefined && value !== null && value !== '') return metadataText(value);
  }
  return null;
}
