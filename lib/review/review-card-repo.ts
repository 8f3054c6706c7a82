import type { Db } from '@/db/client';
import type { ModelRow } from '@/lib/ml/model-repo';

/**
 * What a review card shows for each queued item: the labeler's per-label probabilities with
 * their thresholds, its labels and novelty, and the classifier's top label. Read by primary key
 * (model_id, item_id) for the few items of a page.
 */

export interface LabelScore {
  labelId: number;
  probability: number;
  threshold: number | null;
  predicted: boolean;
}

export interface LabelerAnswer {
  modelId: number;
  scores: LabelScore[];
  labelIds: number[];
  noLabel: boolean;
  uncertainty: number;
  novelty: number | null;
  noveltyThreshold: number | null;
  isNovel: boolean;
}

export interface ClassifierAnswer {
  modelId: number;
  topLabelId: number | null;
  topProbability: number;
  margin: number | null;
}

export interface ReviewCard {
  itemId: number;
  title: string | null;
  sourceUri: string;
  width: number;
  height: number;
  queue: string;
  random: boolean;
  labeler: LabelerAnswer | null;
  classifier: ClassifierAnswer | null;
}

interface PredictionRecord {
  itemId: number;
  probabilities: string;
  predictedLabelIds: string;
  topLabelId: number | null;
  topProbability: number;
  uncertainty: number;
  margin: number | null;
  novelty: number | null;
  isNovel: number;
  noLabel: number;
}

function readPredictions(
  db: Db,
  modelId: number,
  itemIds: number[],
): Map<number, PredictionRecord> {
  const rows = db.$client
    .prepare(
      `select item_id as itemId, probabilities, predicted_label_ids as predictedLabelIds,
              top_label_id as topLabelId, top_probability as topProbability, uncertainty, margin,
              novelty, is_novel as isNovel, no_label as noLabel
         from predictions
        where model_id = ? and item_id in (select value from json_each(?))`,
    )
    .all(modelId, JSON.stringify(itemIds)) as PredictionRecord[];
  return new Map(rows.map((row) => [row.itemId, row]));
}

function toLabelerAnswer(model: ModelRow, row: PredictionRecord): LabelerAnswer {
  const probabilities = JSON.parse(row.probabilities) as number[];
  const predicted = new Set(JSON.parse(row.predictedLabelIds) as number[]);
  return {
    modelId: model.id,
    scores: model.labelIds.map((labelId, index) => ({
      labelId,
      probability: probabilities[index] ?? 0,
      threshold: model.thresholds?.[index] ?? null,
      predicted: predicted.has(labelId),
    })),
    labelIds: model.labelIds.filter((labelId) => predicted.has(labelId)),
    noLabel: row.noLabel === 1,
    uncertainty: row.uncertainty,
    novelty: row.novelty,
    noveltyThreshold: model.noveltyThreshold,
    isNovel: row.isNovel === 1,
  };
}

export interface CardEntry {
  itemId: number;
  queue: string;
  random: boolean;
}

/** Cards for the entries, in their order; entries whose item vanished are dropped. */
export function loadReviewCards(
  db: Db,
  entries: CardEntry[],
  models: { labeler: ModelRow | undefined; classifier: ModelRow | undefined },
): ReviewCard[] {
  const itemIds = entries.map((entry) => entry.itemId);
  const items = db.$client
    .prepare(
      `select id, title, source_uri as sourceUri, width, height from items
        where id in (select value from json_each(?))`,
    )
    .all(JSON.stringify(itemIds)) as {
    id: number;
    title: string | null;
    sourceUri: string;
    width: number;
    height: number;
  }[];
  const itemById = new Map(items.map((item) => [item.id, item]));
  const { labeler, classifier } = models;
  const labelerRows = labeler ? readPredictions(db, labeler.id, itemIds) : new Map();
  const classifierRows = classifier ? readPredictions(db, classifier.id, itemIds) : new Map();

  return entries.flatMap((entry) => {
    const item = itemById.get(entry.itemId);
    if (!item) return [];
    const labelerRow: PredictionRecord | undefined = labelerRows.get(entry.itemId);
    const classifierRow: PredictionRecord | undefined = classifierRows.get(entry.itemId);
    return [
      {
        itemId: item.id,
        title: item.title,
        sourceUri: item.sourceUri,
        width: item.width,
        height: item.height,
        queue: entry.queue,
        random: entry.random,
        labeler: labeler && labelerRow ? toLabelerAnswer(labeler, labelerRow) : null,
        classifier:
          classifier && classifierRow
            ? {
                modelId: classifier.id,
                topLabelId: classifierRow.topLabelId,
                topProbability: classifierRow.topProbability,
                margin: classifierRow.margin,
              }
            : null,
      },
    ];
  });
}
