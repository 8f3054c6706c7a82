import { stringify } from 'csv-stringify/sync';
import { listMetadataKeys } from './export-repo';
import {
  exportRecords,
  metadataText,
  type ExportContext,
  type ExportRecord,
} from './export-records';

/**
 * CSV and JSON Lines: one row or object per item, with the labels, their provenance, the
 * model's scores where the scope includes them, and the item's Dublin Core metadata. Both are
 * written a record at a time.
 */

/**
 * The first columns are those lib/import/csv-import.ts reads back (dcterms:identifier, file,
 * labels with "none" for "none of these", dcterms:title), so an export plus a zip of its images
 * named by `file` imports into another collection with the same labels.
 */
const FIXED_COLUMNS = [
  'dcterms:identifier',
  'file',
  'dcterms:title',
  'labels',
  'none',
  'source',
  'annotator',
  'annotated_at',
  'model_id',
  'model_kind',
  'model_backbone',
  'model_labels',
  'scores',
  'out_of_scope',
  'novelty',
  'file_name',
  'source_uri',
] as const;

/** The labels cell's word for "none of these", as the CSV importer reads it. */
export const CSV_NONE_WORD = 'none';

/** Labels inside one CSV cell are separated by this; label names may not contain it. */
export const CSV_LABEL_SEPARATOR = '|';

function isoTime(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString();
}

function labelsCell(record: ExportRecord, context: ExportContext): string {
  // A collection with a label called "none" cannot use the word; the none column still says it.
  const noneIsLabel = context.labels.some((label) => label.name.toLowerCase() === CSV_NONE_WORD);
  if (record.none && !noneIsLabel) return CSV_NONE_WORD;
  return record.labels.join(CSV_LABEL_SEPARATOR);
}

function csvCells(record: ExportRecord, context: ExportContext, metadataKeys: string[]): string[] {
  const prediction = record.prediction;
  const model = prediction ? context.model : null;
  return [
    record.identifier,
    record.archiveName,
    metadataText(record.metadata['dcterms:title']) || (record.title ?? ''),
    labelsCell(record, context),
    record.none ? 'true' : 'false',
    record.source ?? '',
    record.annotator ?? '',
    isoTime(record.annotatedAt),
    model ? String(model.id) : '',
    model?.kind ?? '',
    model?.backbone ?? '',
    prediction ? prediction.labels.join(CSV_LABEL_SEPARATOR) : '',
    prediction
      ? prediction.scores
          .map((score) => `${score.label}=${score.probability.toFixed(4)}`)
          .join(CSV_LABEL_SEPARATOR)
      : '',
    prediction ? String(prediction.outOfScope) : '',
    prediction?.novelty === null || prediction === null ? '' : prediction.novelty.toFixed(4),
    record.fileName,
    record.sourceUri,
    ...metadataKeys.map((key) => metadataText(record.metadata[key])),
  ];
}

export async function* csvExport(context: ExportContext): AsyncGenerator<string> {
  const fixed = new Set<string>(FIXED_COLUMNS.map((column) => column.toLowerCase()));
  const metadataKeys = listMetadataKeys(context.db, context.collection.id).filter(
    (key) => !fixed.has(key.toLowerCase()),
  );
  yield stringify([[...FIXED_COLUMNS, ...metadataKeys]]);

  for await (const record of exportRecords(context)) {
    yield stringify([csvCells(record, context, metadataKeys)]);
  }
}

/** The JSON object of one record, shared by JSON Lines and the imagefolder's metadata.jsonl. */
export function recordJson(record: ExportRecord, context: ExportContext): Record<string, unknown> {
  const prediction = record.prediction;
  return {
    identifier: record.identifier,
    file_name: record.fileName,
    labels: record.labels,
    none: record.none,
    source: record.source,
    annotator: record.annotator,
    annotated_at: record.annotatedAt === null ? null : isoTime(record.annotatedAt),
    model:
      prediction && context.model
        ? {
            id: context.model.id,
            kind: context.model.kind,
            backbone: context.model.backbone,
            labels: prediction.labels,
            none_of_these: prediction.noLabel,
            out_of_scope: prediction.outOfScope,
            novelty: prediction.novelty,
            scores: Object.fromEntries(
              prediction.scores.map((score) => [score.label, score.probability]),
            ),
          }
        : null,
    title: record.title,
    source_uri: record.sourceUri,
    width: record.width,
    height: record.height,
    metadata: record.metadata,
  };
}

export async function* jsonlExport(context: ExportContext): AsyncGenerator<string> {
  for await (const record of exportRecords(context)) {
    yield `${JSON.stringify(recordJson(record, context))}\n`;
  }
}
