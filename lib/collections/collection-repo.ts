import { asc, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { annotations, collections, items, labels, type AnnotationMode } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { colourForPosition, nextFreeHotkey } from './label-defaults';
import { slugify } from './slug';

export type Collection = typeof collections.$inferSelect;
export type Label = typeof labels.$inferSelect;

export interface CollectionSummary extends Collection {
  itemCount: number;
  annotatedCount: number;
  labelCount: number;
}

export function getCollection(db: Db, id: number): Collection | undefined {
  return db.select().from(collections).where(eq(collections.id, id)).get();
}

export function getCollectionBySlug(db: Db, slug: string): Collection | undefined {
  return db.select().from(collections).where(eq(collections.slug, slug)).get();
}

export function getCollectionByName(db: Db, name: string): Collection | undefined {
  return db.select().from(collections).where(eq(collections.name, name)).get();
}

export function listCollections(db: Db): CollectionSummary[] {
  const itemCounts = db
    .select({
      collectionId: items.collectionId,
      itemCount: count(),
      // An item whose newest annotation is "cleared" is back to unannotated.
      annotatedCount: sql<number>`sum(case when ${annotations.kind} in ('labels', 'none') then 1 else 0 end)`,
    })
    .from(items)
    .leftJoin(annotations, eq(annotations.id, items.currentAnnotationId))
    .groupBy(items.collectionId)
    .all();
  const labelCounts = db
    .select({ collectionId: labels.collectionId, labelCount: count() })
    .from(labels)
    .groupBy(labels.collectionId)
    .all();

  return db
    .select()
    .from(collections)
    .orderBy(asc(collections.name))
    .all()
    .map((collection) => {
      const itemRow = itemCounts.find((row) => row.collectionId === collection.id);
      const labelRow = labelCounts.find((row) => row.collectionId === collection.id);
      return {
        ...collection,
        itemCount: itemRow?.itemCount ?? 0,
        annotatedCount: Number(itemRow?.annotatedCount ?? 0),
        labelCount: labelRow?.labelCount ?? 0,
      };
    });
}

function uniqueSlug(db: Db, name: string): string {
  const base = slugify(name);
  let slug = base;
  for (let suffix = 2; getCollectionBySlug(db, slug); suffix++) slug = `${base}-${suffix}`;
  return slug;
}

export interface NewCollection {
  name: string;
  description?: string;
  annotationMode: AnnotationMode;
  createdBy?: number | null;
}

export function createCollection(db: Db, input: NewCollection): Collection {
  if (getCollectionByName(db, input.name)) {
    throw new AppError('conflict', `A collection named "${input.name}" already exists.`);
  }

  return db
    .insert(collections)
    .values({
      name: input.name,
      slug: uniqueSlug(db, input.name),
      description: input.description ?? '',
      annotationMode: input.annotationMode,
      createdBy: input.createdBy ?? null,
    })
    .returning()
    .get();
}

export function updateCollection(
  db: Db,
  id: number,
  changes: Partial<
    Pick<
      Collection,
      'name' | 'description' | 'annotationMode' | 'autoRetrainAfter' | 'queueRandomShare'
    >
  >,
): Collection {
  if (changes.name !== undefined) {
    const clash = getCollectionByName(db, changes.name);
    if (clash && clash.id !== id) {
      throw new AppError('conflict', `A collection named "${changes.name}" already exists.`);
    }
  }

  const updated = db
    .update(collections)
    .set({ ...changes, updatedAt: Date.now() })
    .where(eq(collections.id, id))
    .returning()
    .get();
  if (!updated) throw new AppError('not_found', `Collection ${id} was not found.`);
  return updated;
}

export function listLabels(db: Db, collectionId: number): Label[] {
  return db
    .select()
    .from(labels)
    .where(eq(labels.collectionId, collectionId))
    .orderBy(asc(labels.position), asc(labels.id))
    .all();
}

export interface NewLabel {
  name: string;
  description?: string;
  hotkey?: string | null;
  colour?: string;
}

/** Adds labels at the end of the schema, filling in free hotkeys and palette colours. */
export function addLabels(db: Db, collectionId: number, newLabels: NewLabel[]): Label[] {
  // better-sqlite3 runs the transaction synchronously on this one connection, so plain `db`
  // calls inside it are part of it.
  return db.transaction(() => {
    const existing = listLabels(db, collectionId);
    const hotkeys = existing.map((label) => label.hotkey);
    let position = existing.length;

    return newLabels.map((label) => {
      if (existing.some((other) => other.name === label.name)) {
        throw new AppError(
          'conflict',
          `The label "${label.name}" already exists in this collection.`,
        );
      }
      const hotkey = label.hotkey === undefined ? nextFreeHotkey(hotkeys) : label.hotkey;
      hotkeys.push(hotkey);
      const row = db
        .insert(labels)
        .values({
          collectionId,
          name: label.name,
          description: label.description ?? '',
          hotkey,
          colour: label.colour ?? colourForPosition(position),
          position,
        })
        .returning()
        .get();
      position += 1;
      existing.push(row);
      return row;
    });
  });
}

/** Returns the collection's labels with these names, creating the missing ones. */
export function ensureLabels(db: Db, collectionId: number, names: string[]): Map<string, Label> {
  const byName = new Map(listLabels(db, collectionId).map((label) => [label.name, label]));
  const missing = [...new Set(names)].filter((name) => !byName.has(name));
  for (const label of addLabels(
    db,
    collectionId,
    missing.map((name) => ({ name })),
  )) {
    byName.set(label.name, label);
  }
  return byName;
}

export function countUnannotated(db: Db, collectionId: number): number {
  return (
    db
      .select({ n: count() })
      .from(items)
      .where(sql`${items.collectionId} = ${collectionId} and ${isNull(items.currentAnnotationId)}`)
      .get()?.n ?? 0
  );
}
