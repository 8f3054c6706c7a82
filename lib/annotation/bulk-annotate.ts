import { z } from 'zod';
import type { Db } from '@/db/client';
import type { User } from '@/lib/auth/user-repo';
import { getCollection, listLabels } from '@/lib/collections/collection-repo';
import { listBrowseItemsById } from '@/lib/collections/item-browse-repo';
import { AppError, found } from '@/lib/errors';
import { appendAnnotations, type NewAnnotation } from './annotation-repo';

/**
 * Grid bulk actions: add or remove a label, or mark "none of these", on many items at once. Each
 * item whose state actually changes gets one new annotation row, all in one transaction; items
 * already in the requested state are left alone and counted as unchanged.
 */

export const MAX_BULK_ITEMS = 1000;

export const bulkActionSchema = z
  .object({
    itemIds: z.array(z.number().int().positive()).min(1).max(MAX_BULK_ITEMS),
    action: z.enum(['add', 'remove', 'none']),
    labelId: z.number().int().positive().optional(),
  })
  .refine((body) => body.action === 'none' || body.labelId !== undefined, {
    message: 'a label is required to add or remove one',
    path: ['labelId'],
  });
export type BulkAction = z.infer<typeof bulkActionSchema>;

export interface BulkResult {
  changed: number;
  unchanged: number;
}

interface CurrentState {
  kind: 'labels' | 'none' | null;
  labelIds: number[];
}

/** The state an item ends in, or null when the action leaves it as it is. */
function targetState(
  current: CurrentState,
  action: BulkAction,
  single: boolean,
): Pick<NewAnnotation, 'labelIds' | 'none'> | null {
  const labelId = action.labelId ?? 0;
  const has = current.kind === 'labels' && current.labelIds.includes(labelId);
  switch (action.action) {
    case 'none':
      return current.kind === 'none' ? null : { labelIds: [], none: true };
    case 'add':
      if (has && (!single || current.labelIds.length === 1)) return null;
      // Single-label collections replace; multi-label ones add to what is there.
      return {
        labelIds: single || current.kind !== 'labels' ? [labelId] : [...current.labelIds, labelId],
        none: false,
      };
    case 'remove':
      // An item left without labels goes back to unannotated ("cleared").
      return has
        ? { labelIds: current.labelIds.filter((id) => id !== labelId), none: false }
        : null;
  }
}

export function bulkAnnotate(
  db: Db,
  user: User,
  collectionId: number,
  action: BulkAction,
): BulkResult {
  const collection = found(getCollection(db, collectionId), `Collection ${collectionId}`);
  if (
    action.labelId !== undefined &&
    !listLabels(db, collectionId).some((label) => label.id === action.labelId)
  ) {
    throw new AppError(
      'validation_failed',
      `Label ${action.labelId} is not a label of the collection "${collection.name}".`,
    );
  }

  const itemIds = [...new Set(action.itemIds)];
  const current = new Map(listBrowseItemsById(db, collectionId, itemIds).map((i) => [i.id, i]));
  const missing = itemIds.filter((id) => !current.has(id));
  if (missing.length > 0) {
    throw new AppError(
      'validation_failed',
      `Item ${missing.slice(0, 10).join(', ')} is not in the collection "${collection.name}".`,
    );
  }

  const batch: NewAnnotation[] = itemIds.flatMap((itemId) => {
    const item = current.get(itemId);
    const target = item
      ? targetState(
          { kind: item.annotationKind, labelIds: item.labelIds },
          action,
          collection.annotationMode === 'single',
        )
      : null;
    return target ? [{ itemId, userId: user.id, source: 'human' as const, ...target }] : [];
  });
  appendAnnotations(db, batch);

  return { changed: batch.length, unchanged: itemIds.length - batch.length };
}
