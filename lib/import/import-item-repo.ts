import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { items } from '@/db/schema';
import type { Item } from '@/lib/collections/item-repo';

/** Item look-ups and updates that re-imports need beyond item-repo's. */

export function findItemBySourceUri(
  db: Db,
  collectionId: number,
  sourceUri: string,
): Item | undefined {
  return db
    .select()
    .from(items)
    .where(and(eq(items.collectionId, collectionId), eq(items.sourceUri, sourceUri)))
    .get();
}

export interface ItemDescription {
  title?: string | null;
  metadata?: Record<string, unknown>;
  identifier?: string | null;
}

/** Replaces an item's descriptive fields (title, metadata, identifier); its image stays. */
export function updateItemDescription(db: Db, itemId: number, description: ItemDescription): Item {
  const row = db.update(items).set(description).where(eq(items.id, itemId)).returning().get();
  if (!row) throw new Error(`Item ${itemId} vanished during an import.`);
  return row;
}
