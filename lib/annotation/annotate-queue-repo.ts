import type { Db } from '@/db/client';
import { NOT_LEASED_BY_OTHERS_SQL } from './lease-repo';

/**
 * Reads behind the annotate queue: which items of a collection a curator could be given next.
 * Both lists walk items_collection_current_idx / the primary key in item id order, so the order is
 * stable between requests and between curators.
 */

/** What the annotate view works through. */
export const ANNOTATE_QUEUES = ['unannotated', 'revisit-import'] as const;
export type AnnotateQueue = (typeof ANNOTATE_QUEUES)[number];

const QUEUE_CONDITION: Record<AnnotateQueue, string> = {
  // "cleared" means the last annotation was undone or withdrawn: the item is unannotated again.
  unannotated: "(a.id is null or a.kind = 'cleared')",
  // Labels that arrived with an import (folder names, CSV) and no person has confirmed yet.
  'revisit-import': "a.source = 'import' and a.kind != 'cleared'",
};

export interface CandidateQuery {
  collectionId: number;
  userId: number;
  queue: AnnotateQueue;
  /** Item ids the caller does not want (already held, or skipped). */
  excludeIds: number[];
  limit: number;
  now: number;
}

/** Item ids in the queue, free of other people's live leases, in id order. */
export function listQueueCandidates(db: Db, query: CandidateQuery): number[] {
  const exclude =
    query.excludeIds.length > 0
      ? `and i.id not in (${query.excludeIds.map(() => '?').join(',')})`
      : '';
  const rows = db.$client
    .prepare(
      `select i.id from items i
         left join annotations a on a.id = i.current_annotation_id
        where i.collection_id = ? and ${QUEUE_CONDITION[query.queue]}
          and ${NOT_LEASED_BY_OTHERS_SQL} ${exclude}
        order by i.id
        limit ?`,
    )
    .all(query.collectionId, query.now, query.userId, ...query.excludeIds, query.limit) as {
    id: number;
  }[];
  return rows.map((row) => row.id);
}

/** Of these item ids, those still in the queue (a skipped item may have been annotated since). */
export function filterInQueue(
  db: Db,
  collectionId: number,
  queue: AnnotateQueue,
  itemIds: number[],
): Set<number> {
  if (itemIds.length === 0) return new Set();

  const rows = db.$client
    .prepare(
      `select i.id from items i
         left join annotations a on a.id = i.current_annotation_id
        where i.collection_id = ? and ${QUEUE_CONDITION[queue]}
          and i.id in (${itemIds.map(() => '?').join(',')})`,
    )
    .all(collectionId, ...itemIds) as { id: number }[];
  return new Set(rows.map((row) => row.id));
}

export function countQueue(db: Db, collectionId: number, queue: AnnotateQueue): number {
  const row = db.$client
    .prepare(
      `select count(*) as n from items i
         left join annotations a on a.id = i.current_annotation_id
        where i.collection_id = ? and ${QUEUE_CONDITION[queue]}`,
    )
    .get(collectionId) as { n: number };
  return row.n;
}

/** The user holding a live lease on an item, if anyone does. */
export function findLeaseHolder(db: Db, itemId: number, now: number): number | undefined {
  const row = db.$client
    .prepare('select user_id as userId from item_leases where item_id = ? and expires_at > ?')
    .get(itemId, now) as { userId: number } | undefined;
  return row?.userId;
}
