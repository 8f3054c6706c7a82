import type { Db } from '@/db/client';
import type { AnnotationKind, AnnotationSource, SourceKind } from '@/db/schema';
import type { ExportScope } from './export-options';

/**
 * The rows of an export, read a page at a time in item id order (keyset pagination over
 * items_collection_id_idx), so an export of any size holds one page in memory. Each row carries
 * the item, its current annotation with the annotator's name, and the prediction of one model.
 */

export interface ExportRow {
  itemId: number;
  identifier: string | null;
  sourceKind: SourceKind;
  sourceUri: string;
  contentHash: string;
  filePath: string;
  mimeType: string;
  width: number;
  height: number;
  title: string | null;
  metadata: Record<string, unknown>;
  annotationId: number | null;
  annotationKind: AnnotationKind | null;
  annotationSource: AnnotationSource | null;
  annotatedAt: number | null;
  annotator: string | null;
  annotationLabelIds: number[];
  probabilities: number[] | null;
  predictedLabelIds: number[] | null;
  isNovel: boolean;
  noLabel: boolean;
  novelty: number | null;
  predictedAt: number | null;
}

interface RawRow extends Omit<
  ExportRow,
  'metadata' | 'annotationLabelIds' | 'probabilities' | 'predictedLabelIds' | 'isNovel' | 'noLabel'
> {
  metadata: string;
  probabilities: string | null;
  predictedLabelIds: string | null;
  isNovel: number | null;
  noLabel: number | null;
}

const PERSON_SOURCES = "('human', 'review', 'import')";

/** Which items a scope includes; `a` is the current annotation, `p` the model's prediction. */
const SCOPE_FILTERS: Record<ExportScope, string> = {
  human: `a.kind in ('labels', 'none') and a.source in ${PERSON_SOURCES}`,
  reviewed: `a.kind in ('labels', 'none') and a.source = 'review'`,
  model: 'p.item_id is not null',
  all: '1 = 1',
};

function pageSql(scope: ExportScope): string {
  return `select i.id as itemId, i.identifier, i.source_kind as sourceKind, i.source_uri as sourceUri,
                 i.content_hash as contentHash, i.file_path as filePath, i.mime_type as mimeType,
                 i.width, i.height, i.title, i.metadata,
                 a.id as annotationId, a.kind as annotationKind, a.source as annotationSource,
                 a.created_at as annotatedAt, u.name as annotator,
                 p.probabilities, p.predicted_label_ids as predictedLabelIds, p.is_novel as isNovel,
                 p.no_label as noLabel, p.novelty, p.created_at as predictedAt
            from items i
            left join annotations a on a.id = i.current_annotation_id and a.kind != 'cleared'
            left join users u on u.id = a.user_id
            left join predictions p on p.model_id = ? and p.item_id = i.id
           where i.collection_id = ? and i.id > ? and ${SCOPE_FILTERS[scope]}
           order by i.id
           limit ?`;
}

function labelsOf(db: Db, annotationIds: number[]): Map<number, number[]> {
  const byAnnotation = new Map<number, number[]>();
  if (annotationIds.length === 0) return byAnnotation;

  const placeholders = annotationIds.map(() => '?').join(', ');
  const links = db.$client
    .prepare(
      `select annotation_id as annotationId, label_id as labelId from annotation_labels
        where annotation_id in (${placeholders}) order by annotation_id, label_id`,
    )
    .all(...annotationIds) as { annotationId: number; labelId: number }[];
  for (const link of links) {
    const list = byAnnotation.get(link.annotationId) ?? [];
    list.push(link.labelId);
    byAnnotation.set(link.annotationId, list);
  }
  return byAnnotation;
}

function parseJson<T>(text: string | null, fallback: T): T {
  return text === null ? fallback : (JSON.parse(text) as T);
}

/** One page of export rows after item `afterId`; `modelId` null means no predictions. */
export function listExportRows(
  db: Db,
  input: {
    collectionId: number;
    scope: ExportScope;
    modelId: number | null;
    afterId: number;
    limit: number;
  },
): ExportRow[] {
  const raw = db.$client
    .prepare(pageSql(input.scope))
    .all(input.modelId ?? -1, input.collectionId, input.afterId, input.limit) as RawRow[];
  const labels = labelsOf(
    db,
    raw.flatMap((row) => (row.annotationId === null ? [] : [row.annotationId])),
  );

  return raw.map((row) => ({
    ...row,
    metadata: parseJson<Record<string, unknown>>(row.metadata, {}),
    annotationLabelIds: row.annotationId === null ? [] : (labels.get(row.annotationId) ?? []),
    probabilities: parseJson<number[] | null>(row.probabilities, null),
    predictedLabelIds: parseJson<number[] | null>(row.predictedLabelIds, null),
    isNovel: row.isNovel === 1,
    noLabel: row.noLabel === 1,
  }));
}

/** Every metadata key used by the collection's items, sorted: the CSV's extra columns. */
export function listMetadataKeys(db: Db, collectionId: number): string[] {
  const rows = db.$client
    .prepare(
      `select distinct j.key as key from items i, json_each(i.metadata) j
        where i.collection_id = ? and json_valid(i.metadata) order by j.key`,
    )
    .all(collectionId) as { key: string }[];
  return rows.map((row) => row.key);
}
