import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { items, type SourceKind } from '@/db/schema';

export type Item = typeof items.$inferSelect;

export interface NewItem {
  collectionId: number;
  sourceKind: SourceKind;
  sourceUri: string;
  identifier?: string | null;
  contentHash: string;
  filePath: string;
  mimeType: string;
  sizeBytes: number;
  width: number;
  height: number;
  title?: string | null;
  metadata?: Record<string, unknown>;
}

export function getItem(db: Db, id: number): Item | undefined {
  return db.select().from(items).where(eq(items.id, id)).get();
}

export function findItemByHash(
  db: Db,
  collectionId: number,
  contentHash: string,
): Item | undefined {
  return db
    .select()
    .from(items)
    .where(and(eq(items.collectionId, collectionId), eq(items.contentHash, contentHash)))
    .get();
}

export function findItemByIdentifier(
  db: Db,
  collectionId: number,
  identifier: string,
): Item | undefined {
  return db
    .select()
    .from(items)
    .where(and(eq(items.collectionId, collectionId), eq(items.identifier, identifier)))
    .get();
}

export function insertItem(db: Db, item: NewItem): Item {
  return db
    .insert(items)
    .values({ ...item, metadata: item.metadata ?? {} })
    .returning()
    .get();
}

/** Items of a collection in id order, a page at a time (keyset pagination). */
export function listItemsAfter(
  db: Db,
  collectionId: number,
  afterId: number,
  limit: number,
): Item[] {
  return db
    .select()
    .from(items)
    .where(and(eq(items.collectionId, collectionId), gt(items.id, afterId)))
    .orderBy(asc(items.id))
    .limit(limit)
    .all();
}
