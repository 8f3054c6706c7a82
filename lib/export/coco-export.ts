import { exportRecords, rightsOf, type ExportContext, type ExportRecord } from './export-records';

/**
 * COCO object-detection JSON for a classification export: every label of an item becomes an
 * annotation whose box is the whole image ([0, 0, width, height]), so tools that accept only
 * detection files (pycocotools, CVAT, FiftyOne) take it. Images go out in a first pass and
 * annotations in a second, each streamed, since COCO keeps them in two separate arrays.
 * Model labels carry a `score`; `curio_source` says who labelled. Category ids are Curio's label
 * ids.
 */

function imageJson(record: ExportRecord): Record<string, unknown> {
  return {
    id: record.itemId,
    file_name: record.archiveName,
    width: record.width,
    height: record.height,
    identifier: record.identifier,
    rights: rightsOf(record),
    curio_none: record.none,
  };
}

function annotationsJson(
  record: ExportRecord,
  categoryOf: Map<string, number>,
  nextId: () => number,
): Record<string, unknown>[] {
  const { width: w, height: h } = record;
  const scoreOf = new Map(record.prediction?.scores.map((s) => [s.label, s.probability]) ?? []);

  return record.labels.flatMap((label) => {
    const categoryId = categoryOf.get(label);
    if (categoryId === undefined) return [];
    return [
      {
        id: nextId(),
        image_id: record.itemId,
        category_id: categoryId,
        bbox: [0, 0, w, h],
        area: w * h,
        segmentation: [[0, 0, w, 0, w, h, 0, h]],
        iscrowd: 0,
        ...(record.source === 'model' ? { score: scoreOf.get(label) ?? null } : {}),
        curio_source: record.source,
        curio_annotator: record.annotator,
      },
    ];
  });
}

export async function* cocoExport(context: ExportContext): AsyncGenerator<string> {
  const categories = context.labels.map((label) => ({
    id: label.id,
    name: label.name,
    supercategory: context.collection.name,
  }));
  const info = {
    description: `${context.collection.name}: Curio export (${context.scope})`,
    version: '1.0',
    year: new Date().getUTCFullYear(),
    contributor: 'Curio',
    date_created: new Date().toISOString(),
  };
  yield `{"info":${JSON.stringify(info)},"licenses":[],"categories":${JSON.stringify(categories)},"images":[`;

  let first = true;
  for await (const record of exportRecords(context)) {
    yield `${first ? '' : ','}\n${JSON.stringify(imageJson(record))}`;
    first = false;
  }
  yield '\n],"annotations":[';

  const categoryOf = new Map(context.labels.map((label) => [label.name, label.id]));
  let annotationId = 0;
  const nextId = () => (annotationId += 1);
  first = true;
  for await (const record of exportRecords(context)) {
    for (const annotation of annotationsJson(record, categoryOf, nextId)) {
      yield `${first ? '' : ','}\n${JSON.stringify(annotation)}`;
      first = false;
    }
  }
  yield '\n]}\n';
}
