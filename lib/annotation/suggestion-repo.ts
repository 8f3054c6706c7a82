import type { Db } from '@/db/client';
import type { ModelKind } from '@/db/schema';

/**
 * Model suggestions for the annotate view: the per-label probabilities of the collection's active
 * labeler, or of its active classifier when there is no labeler. The labeler comes first because
 * it can also say "none of these", which is what a curator needs to see.
 */

export interface SuggestedLabel {
  labelId: number;
  probability: number;
  predicted: boolean;
}

export interface Suggestion {
  modelId: number;
  modelKind: ModelKind;
  /** Highest probability first. */
  labels: SuggestedLabel[];
}

export interface SuggestingModel {
  id: number;
  kind: ModelKind;
}

/** The model whose predictions the annotate view shows, or undefined when none is active. */
export function findSuggestingModel(db: Db, collectionId: number): SuggestingModel | undefined {
  return db.$client
    .prepare(
      `select id, kind from models
        where collection_id = ? and active = 1 and status = 'ready'
        order by case kind when 'labeler' then 0 else 1 end
        limit 1`,
    )
    .get(collectionId) as SuggestingModel | undefined;
}

/** Suggestions for these items from one model; items it never scored are absent. */
export function listSuggestions(
  db: Db,
  model: SuggestingModel,
  itemIds: number[],
): Map<number, Suggestion> {
  const byItem = new Map<number, Suggestion>();
  if (itemIds.length === 0) return byItem;

  const rows = db.$client
    .prepare(
      `select item_id as itemId, label_id as labelId, probability, predicted
         from prediction_scores
        where model_id = ? and item_id in (${itemIds.map(() => '?').join(',')})
        order by item_id, probability desc`,
    )
    .all(model.id, ...itemIds) as {
    itemId: number;
    labelId: number;
    probability: number;
    predicted: number;
  }[];
  for (const row of rows) {
    const suggestion = byItem.get(row.itemId) ?? {
      modelId: model.id,
      modelKind: model.kind,
      labels: [],
    };
    suggestion.labels.push({
      labelId: row.labelId,
      probability: row.probability,
      predicted: row.predicted === 1,
    });
    byItem.set(row.itemId, suggestion);
  }
  return byItem;
}

/** True when the model belongs to the collection (a save may only credit its own models). */
export function isCollectionModel(db: Db, collectionId: number, modelId: number): boolean {
  const row = db.$client
    .prepare('select 1 as ok from models where id = ? and collection_id = ?')
    .get(modelId, collectionId);
  return row !== undefined;
}
