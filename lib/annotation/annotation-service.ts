import { z } from 'zod';
import type { Db } from '@/db/client';
import type { User } from '@/lib/auth/user-repo';
import { getCollection, listLabels, type Collection } from '@/lib/collections/collection-repo';
import { getItem, type Item } from '@/lib/collections/item-repo';
import { AppError, found } from '@/lib/errors';
import { findLeaseHolder } from './annotate-queue-repo';
import { getAnnotateProgress, type AnnotateProgress } from './annotate-progress';
import { LEASE_QUEUE } from './annotate-queue';
import {
  appendAnnotation,
  getAnnotation,
  listItemHistory,
  type AnnotationRecord,
} from './annotation-repo';
import { claimItems, releaseLeases } from './lease-repo';
import { isCollectionModel } from './suggestion-repo';

/**
 * Saving and undoing one item's annotation from the annotate view. Both append rows (history is
 * never rewritten) and return the collection's progress, which the view announces.
 */

export const saveAnnotationSchema = z.object({
  labelIds: z.array(z.number().int().positive()).max(200),
  none: z.boolean().default(false),
  suggestedByModelId: z.number().int().positive().nullish(),
  queue: z.string().trim().min(1).max(40).nullish(),
});
export type SaveAnnotationInput = z.infer<typeof saveAnnotationSchema>;

export interface SavedAnnotation {
  collectionId: number;
  annotation: AnnotationRecord;
  progress: AnnotateProgress;
}

function loadItemAndCollection(db: Db, itemId: number): { item: Item; collection: Collection } {
  const item = found(getItem(db, itemId), `Item ${itemId}`);
  const collection = found(getCollection(db, item.collectionId), `Collection ${item.collectionId}`);
  return { item, collection };
}

/** Refuses label sets the collection cannot hold; messages name the offending ids. */
export function assertValidLabelSet(
  db: Db,
  collection: Collection,
  labelIds: number[],
  none: boolean,
): void {
  if (none && labelIds.length > 0) {
    throw new AppError(
      'validation_failed',
      '"None of these" cannot be saved together with labels.',
    );
  }
  if (!none && labelIds.length === 0) {
    throw new AppError('validation_failed', 'Choose at least one label, or "none of these".');
  }

  const known = new Set(listLabels(db, collection.id).map((label) => label.id));
  const unknown = labelIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError(
      'validation_failed',
      `Label ${unknown.join(', ')} is not a label of the collection "${collection.name}".`,
    );
  }
  if (collection.annotationMode === 'single' && new Set(labelIds).size > 1) {
    throw new AppError(
      'validation_failed',
      `"${collection.name}" takes one label per item; ${new Set(labelIds).size} were sent.`,
    );
  }
}

function assertNotLeasedByOther(db: Db, itemId: number, user: User, now: number): void {
  const holder = findLeaseHolder(db, itemId, now);
  if (holder !== undefined && holder !== user.id) {
    throw new AppError(
      'conflict',
      `Someone else is annotating item ${itemId} right now; it was not changed.`,
    );
  }
}

export function saveAnnotation(
  db: Db,
  user: User,
  itemId: number,
  input: SaveAnnotationInput,
  now = Date.now(),
): SavedAnnotation {
  const { collection } = loadItemAndCollection(db, itemId);
  assertValidLabelSet(db, collection, input.labelIds, input.none);
  const modelId = input.suggestedByModelId ?? null;
  if (modelId !== null && !isCollectionModel(db, collection.id, modelId)) {
    throw new AppError(
      'validation_failed',
      `Model ${modelId} is not a model of the collection "${collection.name}".`,
    );
  }
  assertNotLeasedByOther(db, itemId, user, now);

  const annotationId = appendAnnotation(db, {
    itemId,
    userId: user.id,
    labelIds: input.none ? [] : input.labelIds,
    none: input.none,
    source: 'human',
    suggestedByModelId: modelId,
    queue: input.queue ?? null,
  });
  releaseLeases(db, user.id, [itemId]);

  return {
    collectionId: collection.id,
    annotation: found(getAnnotation(db, annotationId), `Annotation ${annotationId}`),
    progress: getAnnotateProgress(db, collection.id),
  };
}

/**
 * Undoes an item's latest annotation by appending a row that restores the state before it (or
 * "cleared" when there was none), with undo_of_id pointing at the undone row. Only the latest row
 * can be undone, so an undo never silently discards someone's later work. A curator may undo only
 * their own save; an admin may undo anyone's. The item is leased back to the user, since the
 * annotate view shows it again.
 */
export function undoAnnotation(
  db: Db,
  user: User,
  itemId: number,
  annotationId: number,
  now = Date.now(),
): SavedAnnotation {
  const { collection } = loadItemAndCollection(db, itemId);
  const history = listItemHistory(db, itemId);
  if (!history.some((row) => row.id === annotationId)) {
    throw new AppError('not_found', `Item ${itemId} has no annotation ${annotationId}.`);
  }
  const [latest, previous] = history;
  if (latest.id !== annotationId) {
    throw new AppError(
      'conflict',
      `Annotation ${annotationId} is no longer the latest of item ${itemId}; only the latest can be undone.`,
    );
  }
  if (user.role !== 'admin' && latest.userId !== user.id) {
    throw new AppError('forbidden', 'Curators can undo only their own annotations.');
  }
  assertNotLeasedByOther(db, itemId, user, now);

  const restoresLabels = previous?.kind === 'labels';
  const undoId = appendAnnotation(db, {
    itemId,
    userId: user.id,
    labelIds: restoresLabels ? previous.labelIds : [],
    none: previous?.kind === 'none',
    source: 'human',
    queue: latest.queue,
    undoOfId: latest.id,
  });
  claimItems(db, { userId: user.id, queue: LEASE_QUEUE, candidateIds: [itemId], count: 1, now });

  return {
    collectionId: collection.id,
    annotation: found(getAnnotation(db, undoId), `Annotation ${undoId}`),
    progress: getAnnotateProgress(db, collection.id),
  };
}
