import type { Db } from '@/db/client';
import { listBrowseItemsById } from '@/lib/collections/item-browse-repo';
import { getItem, type Item } from '@/lib/collections/item-repo';
import {
  countQueue,
  filterInQueue,
  listQueueCandidates,
  type AnnotateQueue,
} from './annotate-queue-repo';
import { claimItems, DEFAULT_LEASE_MS } from './lease-repo';
import { findSuggestingModel, listSuggestions, type Suggestion } from './suggestion-repo';

/**
 * Which items a curator annotates next. The "unannotated" queue comes first, in item id order
 * (stable, so a curator can tell where they are and two sessions agree). Every item handed out is
 * leased to the curator, so two curators never get the same one; the leases of the items the
 * client still holds are renewed on each request, so an open, active tab keeps its batch.
 *
 * A skipped item goes to the back for this user: the client sends its skip list, those items are
 * handed out only when nothing else is left. Its lease is not renewed, so after DEFAULT_LEASE_MS it
 * is free for another curator, who may know the answer; either way it stays unannotated, never
 * lost. An abandoned tab's leases lapse the same way.
 *
 * When nothing unannotated is left, the view offers "revisit-import": items whose current labels
 * came from an import (folder names, CSV) and were never confirmed by a person. Saving there
 * writes a human annotation, which takes the item out of that queue.
 */

export const LEASE_QUEUE = 'annotate';
export const MAX_NEXT_COUNT = 20;

export interface NextRequest {
  collectionId: number;
  userId: number;
  queue: AnnotateQueue;
  count: number;
  /** Items the client already holds: their leases are renewed and they are not returned again. */
  heldIds?: number[];
  /** Items the user skipped this session, oldest first: returned only after everything else. */
  skippedIds?: number[];
  now?: number;
}

export interface NextItem {
  item: Item;
  /** The item's current annotation (set in the revisit queue, null while unannotated). */
  current: { kind: 'labels' | 'none'; labelIds: number[] } | null;
  suggestion: Suggestion | null;
}

export interface NextBatch {
  items: NextItem[];
  /** Held items whose lease could not be renewed (someone else took them after it lapsed). */
  lostIds: number[];
  /** Items left in the queue, including those held by anyone. */
  remaining: number;
}

/** Claims in candidate order until `count` are claimed; a lost race just moves on. */
function claimFromCandidates(db: Db, request: NextRequest, exclude: number[], now: number) {
  const claimed: number[] = [];
  const seen = new Set(exclude);
  while (claimed.length < request.count) {
    const candidates = listQueueCandidates(db, {
      collectionId: request.collectionId,
      userId: request.userId,
      queue: request.queue,
      excludeIds: [...seen],
      limit: request.count * 2,
      now,
    });
    if (candidates.length === 0) break;

    candidates.forEach((id) => seen.add(id));
    claimed.push(
      ...claimItems(db, {
        userId: request.userId,
        queue: LEASE_QUEUE,
        candidateIds: candidates,
        count: request.count - claimed.length,
        ttlMs: DEFAULT_LEASE_MS,
        now,
      }),
    );
  }
  return claimed;
}

export function nextAnnotateItems(db: Db, request: NextRequest): NextBatch {
  const now = request.now ?? Date.now();
  const heldIds = request.heldIds ?? [];
  const skippedIds = (request.skippedIds ?? []).filter((id) => !heldIds.includes(id));
  const lease = { userId: request.userId, queue: LEASE_QUEUE, ttlMs: DEFAULT_LEASE_MS, now };

  const renewed = new Set(
    claimItems(db, { ...lease, candidateIds: heldIds, count: heldIds.length }),
  );
  const lostIds = heldIds.filter((id) => !renewed.has(id));

  const fresh = claimFromCandidates(db, request, [...heldIds, ...skippedIds], now);
  // Skipped items come back at the end, if they still need annotating and nobody took them.
  const stillQueued = filterInQueue(db, request.collectionId, request.queue, skippedIds);
  const skippedBack = claimItems(db, {
    ...lease,
    candidateIds: skippedIds.filter((id) => stillQueued.has(id)),
    count: Math.max(0, request.count - fresh.length),
  });

  const ids = [...fresh, ...skippedBack];
  const model = findSuggestingModel(db, request.collectionId);
  const suggestions = model ? listSuggestions(db, model, ids) : new Map<number, Suggestion>();
  const states = new Map(listBrowseItemsById(db, request.collectionId, ids).map((i) => [i.id, i]));

  return {
    items: ids.flatMap((id) => {
      const item = getItem(db, id);
      const state = states.get(id);
      if (!item) return [];
      const current =
        state?.annotationKind != null
          ? { kind: state.annotationKind, labelIds: state.labelIds }
          : null;
      return [{ item, current, suggestion: suggestions.get(id) ?? null }];
    }),
    lostIds,
    remaining: countQueue(db, request.collectionId, request.queue),
  };
}
