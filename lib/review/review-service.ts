import { z } from 'zod';
import type { Db } from '@/db/client';
import {
  appendAnnotation,
  getAnnotation,
  listItemHistory,
  type AnnotationRecord,
} from '@/lib/annotation/annotation-repo';
import { assertValidLabelSet } from '@/lib/annotation/annotation-service';
import { findLeaseHolder } from '@/lib/annotation/annotate-queue-repo';
import { releaseLeases } from '@/lib/annotation/lease-repo';
import { isCollectionModel } from '@/lib/annotation/suggestion-repo';
import type { User } from '@/lib/auth/user-repo';
import { getCollection, type Collection } from '@/lib/collections/collection-repo';
import { getItem } from '@/lib/collections/item-repo';
import { AppError, found } from '@/lib/errors';
import { getActiveModel } from '@/lib/ml/model-repo';
import { afterAnnotationsSaved } from '@/lib/training/auto-retrain';
import { nextQueueItems, type QueuePage, type QueueRequest } from './queue';
import { countReviewsSince } from './queue-repo';
import { loadReviewCards, type ReviewCard } from './review-card-repo';

/**
 * The reviewer's side of annotation: pages of queued items as cards, decisions saved as
 * annotations with source "review" (the suggesting model and the queue recorded), undo, and the
 * count of reviews since the active labeler was trained, which drives the retrain offer.
 * Label-set validation is the annotate view's (`assertValidLabelSet`), so both accept the same.
 */

/** Reviews after which a retrain is offered when the collection sets no auto-retrain count. */
export const DEFAULT_REVIEWS_BEFORE_RETRAIN = 20;

export const saveReviewSchema = z.object({
  labelIds: z.array(z.number().int().positive()).max(200),
  none: z.boolean().default(false),
  modelId: z.number().int().positive().nullable(),
  queue: z.string().trim().min(1).max(60),
});
export type SaveReviewInput = z.infer<typeof saveReviewSchema>;

export const undoReviewSchema = z.object({ undoOf: z.number().int().positive() });

export interface ReviewPage extends Omit<QueuePage, 'entries'> {
  cards: ReviewCard[];
}

export function getReviewPage(
  db: Db,
  user: User,
  collection: Collection,
  request: QueueRequest,
  random?: () => number,
): ReviewPage {
  const page = nextQueueItems(db, {
    ...request,
    collectionId: collection.id,
    userId: user.id,
    randomShare: collection.queueRandomShare,
    random,
  });
  const models = {
    labeler: getActiveModel(db, collection.id, 'labeler'),
    classifier: getActiveModel(db, collection.id, 'classifier'),
  };
  const { entries, ...rest } = page;
  return { ...rest, cards: loadReviewCards(db, entries, models) };
}

function assertNotLeasedByOther(db: Db, itemId: number, user: User, now: number): void {
  const holder = findLeaseHolder(db, itemId, now);
  if (holder !== undefined && holder !== user.id) {
    throw new AppError('conflict', `Someone else is reviewing item ${itemId}; it was not changed.`);
  }
}

function loadCollectionOfItem(db: Db, itemId: number): Collection {
  const item = found(getItem(db, itemId), `Item ${itemId}`);
  return found(getCollection(db, item.collectionId), `Collection ${item.collectionId}`);
}

/**
 * Saves a reviewer's decision on an item, gives the item's lease back, and lets the collection's
 * auto-retrain policy start a training job if enough new answers have come in.
 */
export function saveReview(
  db: Db,
  user: User,
  itemId: number,
  input: SaveReviewInput,
  now = Date.now(),
): AnnotationRecord {
  const collection = loadCollectionOfItem(db, itemId);
  assertValidLabelSet(db, collection, input.labelIds, input.none);
  if (input.modelId !== null && !isCollectionModel(db, collection.id, input.modelId)) {
    throw new AppError(
      'validation_failed',
      `Model ${input.modelId} is not a model of the collection "${collection.name}".`,
    );
  }
  assertNotLeasedByOther(db, itemId, user, now);

  const annotationId = appendAnnotation(db, {
    itemId,
    userId: user.id,
    labelIds: input.none ? [] : input.labelIds,
    none: input.none,
    source: 'review',
    suggestedByModelId: input.modelId,
    queue: input.queue,
  });
  releaseLeases(db, user.id, [itemId]);
  afterAnnotationsSaved(db, collection.id, user.id);
  return found(getAnnotation(db, annotationId), `Annotation ${annotationId}`);
}

/**
 * Undoes the reviewer's latest decision on an item by appending the state before it (cleared
 * when there was none, which puts the item back in the queues). Only the item's latest row, and
 * only one's own unless admin, so an undo never discards someone else's later work.
 */
export function undoReview(db: Db, user: User, itemId: number, undoOf: number): AnnotationRecord {
  loadCollectionOfItem(db, itemId);
  const [latest, previous] = listItemHistory(db, itemId);
  if (!latest || latest.id !== undoOf) {
    throw new AppError(
      'conflict',
      `Annotation ${undoOf} is not the latest of item ${itemId}; only the latest can be undone.`,
    );
  }
  if (user.role !== 'admin' && latest.userId !== user.id) {
    throw new AppError('forbidden', 'Reviewers can undo only their own decisions.');
  }

  const annotationId = appendAnnotation(db, {
    itemId,
    userId: user.id,
    labelIds: previous?.kind === 'labels' ? previous.labelIds : [],
    none: previous?.kind === 'none',
    source: 'review',
    suggestedByModelId: latest.suggestedByModelId,
    queue: latest.queue,
    undoOfId: latest.id,
  });
  return found(getAnnotation(db, annotationId), `Annotation ${annotationId}`);
}

export interface ReviewLoopStatus {
  labelerId: number | null;
  classifierId: number | null;
  reviewsSinceModel: number;
  reviewsBeforeRetrain: number;
  /** Enough reviews since the active labeler's snapshot that a new model would differ. */
  retrainDue: boolean;
  /** The collection retrains by itself (auto_retrain_after is set). */
  autoRetrain: boolean;
}

export function getReviewLoopStatus(db: Db, collection: Collection): ReviewLoopStatus {
  const labeler = getActiveModel(db, collection.id, 'labeler');
  const classifier = getActiveModel(db, collection.id, 'classifier');
  const reviewsSinceModel = countReviewsSince(
    db,
    collection.id,
    labeler?.snapshotAnnotationId ?? null,
  );
  const reviewsBeforeRetrain = collection.autoRetrainAfter ?? DEFAULT_REVIEWS_BEFORE_RETRAIN;
  return {
    labelerId: labeler?.id ?? null,
    classifierId: classifier?.id ?? null,
    reviewsSinceModel,
    reviewsBeforeRetrain,
    retrainDue: reviewsSinceModel >= reviewsBeforeRetrain,
    autoRetrain: collection.autoRetrainAfter !== null,
  };
}
