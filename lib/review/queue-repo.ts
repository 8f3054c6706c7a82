import type { Db } from '@/db/client';
import { NOT_LEASED_BY_OTHERS_SQL } from '@/lib/annotation/lease-repo';

/**
 * The SQL behind the review queues. Every ranked queue walks one index of `predictions` or
 * `prediction_scores` in rank order and stops after `limit` open items, so a page costs the same
 * at 10k items as at 1M (see benchmarks/review-queue.ts and docs/review.md).
 *
 * An item is open for review while it has no standing answer: no annotation at all, or a current
 * annotation that cleared it (as an undone review does). Any annotation, by a reviewer or a
 * curator, takes the item out of every queue at once, without waiting for the next model: the
 * answer is already known, so reviewing it again would teach the model nothing. Items the model
 * was trained on are therefore never queued either.
 */

/** Bound by name in every query below: `now` and `userId` in the lease test. */
const NOT_LEASED = NOT_LEASED_BY_OTHERS_SQL.replace('?', '@now').replace('?', '@userId');

const OPEN_ITEM = `(i.current_annotation_id is null
   or (select a.kind from annotations a where a.id = i.current_annotation_id) = 'cleared')
  and ${NOT_LEASED}
  and i.id not in (select value from json_each(@exclude))`;

export interface OpenItemFilter {
  userId: number;
  now: number;
  /** Item ids the caller already holds or skipped. */
  excludeIds: readonly number[];
}

export interface RankedQuery extends OpenItemFilter {
  limit: number;
}

function bindings(filter: OpenItemFilter & { limit?: number }) {
  return {
    userId: filter.userId,
    now: filter.now,
    exclude: JSON.stringify(filter.excludeIds),
    limit: filter.limit ?? 0,
  };
}

function itemIds(rows: unknown[]): number[] {
  return (rows as { itemId: number }[]).map((row) => row.itemId);
}

/** Most uncertain first: the labeler's max binary entropy (or a classifier's softmax entropy). */
export function rankByUncertainty(db: Db, modelId: number, query: RankedQuery): number[] {
  const rows = db.$client
    .prepare(
      `select p.item_id as itemId
         from predictions p join items i on i.id = p.item_id
        where p.model_id = @modelId and ${OPEN_ITEM}
        order by p.uncertainty desc
        limit @limit`,
    )
    .all({ ...bindings(query), modelId });
  return itemIds(rows);
}

/** Most uncertain about one label first: that label's binary entropy. */
export function rankByLabelEntropy(
  db: Db,
  modelId: number,
  labelId: number,
  query: RankedQuery,
): number[] {
  const rows = db.$client
    .prepare(
      `select s.item_id as itemId
         from prediction_scores s join items i on i.id = s.item_id
        where s.model_id = @modelId and s.label_id = @labelId and ${OPEN_ITEM}
        order by s.entropy desc
        limit @limit`,
    )
    .all({ ...bindings(query), modelId, labelId });
  return itemIds(rows);
}

/**
 * Items the labeler gives no label or novelty flags, most novel first. The three flag
 * combinations are three ranges of predictions_novelty_idx, each already in novelty order, so
 * each branch reads at most `limit` open rows and only those few are merged.
 */
export function rankNoLabelOrNovel(db: Db, modelId: number, query: RankedQuery): number[] {
  const branch = (isNovel: 0 | 1, noLabel: 0 | 1) =>
    `select * from (
       select p.item_id as itemId, p.novelty as novelty
         from predictions p join items i on i.id = p.item_id
        where p.model_id = @modelId and p.is_novel = ${isNovel} and p.no_label = ${noLabel}
          and ${OPEN_ITEM}
        order by p.novelty desc
        limit @limit)`;
  const rows = db.$client
    .prepare(
      `select itemId from (
         ${branch(1, 1)} union all ${branch(1, 0)} union all ${branch(0, 1)})
        order by novelty desc
        limit @limit`,
    )
    .all({ ...bindings(query), modelId });
  return itemIds(rows);
}

/**
 * Items whose classifier top label is not among the labeler's labels (including the labeler
 * saying none), in order of the classifier's uncertainty. Disagreements gather where the
 * classifier is unsure, so walking its uncertainty index finds a page of them after few rows;
 * each row costs one primary-key probe of the labeler's score for that label.
 */
export function rankDisagreements(
  db: Db,
  classifierId: number,
  labelerId: number,
  query: RankedQuery,
): number[] {
  const rows = db.$client
    .prepare(
      `select c.item_id as itemId
         from predictions c join items i on i.id = c.item_id
        where c.model_id = @classifierId and c.top_label_id is not null
          and exists (select 1 from prediction_scores s
                       where s.model_id = @labelerId and s.item_id = c.item_id
                         and s.label_id = c.top_label_id and s.predicted = 0)
          and ${OPEN_ITEM}
        order by c.uncertainty desc
        limit @limit`,
    )
    .all({ ...bindings(query), classifierId, labelerId });
  return itemIds(rows);
}

/**
 * One open item of the collection at or after a uniformly drawn id (wrapping to the start), for
 * the random share of a queue. Walks items_collection_id_idx from the drawn id, so it is cheap
 * whatever the collection's size; gaps in the ids make items after a gap a little likelier,
 * which does not matter for keeping a queue from collapsing onto near-duplicates.
 */
export function pickOpenItemFrom(
  db: Db,
  collectionId: number,
  fraction: number,
  filter: OpenItemFilter,
): number | undefined {
  const range = db.$client
    // Two subqueries: SQLite answers a lone min() or max() from the index end, but scans for both.
    .prepare(
      `select (select min(id) from items where collection_id = @collectionId) as low,
              (select max(id) from items where collection_id = @collectionId) as high`,
    )
    .get({ collectionId }) as { low: number | null; high: number | null };
  if (range.low === null || range.high === null) return undefined;

  const start = range.low + Math.floor(fraction * (range.high - range.low + 1));
  const find = db.$client.prepare(
    `select i.id as itemId from items i indexed by items_collection_id_idx
      where i.collection_id = @collectionId and i.id >= @start and ${OPEN_ITEM}
      order by i.id limit 1`,
  );
  const hit = (find.get({ ...bindings(filter), collectionId, start }) ??
    find.get({ ...bindings(filter), collectionId, start: range.low })) as
    { itemId: number } | undefined;
  return hit?.itemId;
}

/** Review annotations written in a collection after a model's training snapshot. */
export function countReviewsSince(
  db: Db,
  collectionId: number,
  snapshotAnnotationId: number | null,
): number {
  const row = db.$client
    .prepare(
      `select count(*) as n from annotations a join items i on i.id = a.item_id
        where a.id > ? and a.source = 'review' and i.collection_id = ?`,
    )
    .get(snapshotAnnotationId ?? 0, collectionId) as { n: number };
  return row.n;
}

export interface ActiveModelIds {
  labelerId: number | null;
  classifierId: number | null;
}

/** Ids of the collection's active models: all a queue page needs, read without their cards. */
export function findActiveModelIds(db: Db, collectionId: number): ActiveModelIds {
  const rows = db.$client
    .prepare(`select id, kind from models where collection_id = ? and active = 1`)
    .all(collectionId) as { id: number; kind: string }[];
  return {
    labelerId: rows.find((row) => row.kind === 'labeler')?.id ?? null,
    classifierId: rows.find((row) => row.kind === 'classifier')?.id ?? null,
  };
}
