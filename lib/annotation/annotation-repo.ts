import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  annotationLabels,
  annotations,
  items,
  users,
  type AnnotationKind,
  type AnnotationSource,
} from '@/db/schema';

/**
 * The only writer of annotations. Rows are appended, never updated or deleted; the item's
 * current_annotation_id moves to the new row in the same transaction.
 */

export interface NewAnnotation {
  itemId: number;
  userId: number | null;
  /** Empty together with none=false means "cleared" (back to unannotated). */
  labelIds: number[];
  none: boolean;
  source: AnnotationSource;
  suggestedByModelId?: number | null;
  queue?: string | null;
  undoOfId?: number | null;
}

export interface AnnotationRecord {
  id: number;
  itemId: number;
  userId: number | null;
  userName: string | null;
  kind: AnnotationKind;
  source: AnnotationSource;
  labelIds: number[];
  suggestedByModelId: number | null;
  queue: string | null;
  undoOfId: number | null;
  createdAt: number;
}

function kindOf(annotation: Pick<NewAnnotation, 'labelIds' | 'none'>): AnnotationKind {
  if (annotation.none) return 'none';
  return annotation.labelIds.length > 0 ? 'labels' : 'cleared';
}

/** Appends one annotation and makes it the item's current one. Returns the new row's id. */
export function appendAnnotation(db: Db, annotation: NewAnnotation): number {
  return appendAnnotations(db, [annotation])[0];
}

/** Appends many annotations in one transaction (bulk actions, imports). */
export function appendAnnotations(db: Db, batch: NewAnnotation[]): number[] {
  return db.transaction((tx) => {
    const ids: number[] = [];

    for (const annotation of batch) {
      const kind = kindOf(annotation);
      const labelIds = annotation.none ? [] : [...new Set(annotation.labelIds)];
      const [row] = tx
        .insert(annotations)
        .values({
          itemId: annotation.itemId,
          userId: annotation.userId,
          kind,
          source: annotation.source,
          suggestedByModelId: annotation.suggestedByModelId ?? null,
          queue: annotation.queue ?? null,
          undoOfId: annotation.undoOfId ?? null,
        })
        .returning({ id: annotations.id })
        .all();

      if (labelIds.length > 0) {
        tx.insert(annotationLabels)
          .values(labelIds.map((labelId) => ({ annotationId: row.id, labelId })))
          .run();
      }
      tx.update(items)
        .set({ currentAnnotationId: row.id })
        .where(eq(items.id, annotation.itemId))
        .run();
      ids.push(row.id);
    }

    return ids;
  });
}

function attachLabels(db: Db, rows: Omit<AnnotationRecord, 'labelIds'>[]): AnnotationRecord[] {
  if (rows.length === 0) return [];

  const links = db
    .select()
    .from(annotationLabels)
    .where(
      inArray(
        annotationLabels.annotationId,
        rows.map((row) => row.id),
      ),
    )
    .all();
  const byAnnotation = new Map<number, number[]>();
  for (const link of links) {
    const list = byAnnotation.get(link.annotationId) ?? [];
    list.push(link.labelId);
    byAnnotation.set(link.annotationId, list);
  }

  return rows.map((row) => ({ ...row, labelIds: byAnnotation.get(row.id) ?? [] }));
}

const recordColumns = {
  id: annotations.id,
  itemId: annotations.itemId,
  userId: annotations.userId,
  userName: users.name,
  kind: annotations.kind,
  source: annotations.source,
  suggestedByModelId: annotations.suggestedByModelId,
  queue: annotations.queue,
  undoOfId: annotations.undoOfId,
  createdAt: annotations.createdAt,
};

/** Every annotation of an item, newest first. */
export function listItemHistory(db: Db, itemId: number): AnnotationRecord[] {
  const rows = db
    .select(recordColumns)
    .from(annotations)
    .leftJoin(users, eq(users.id, annotations.userId))
    .where(eq(annotations.itemId, itemId))
    .orderBy(desc(annotations.id))
    .all();
  return attachLabels(db, rows);
}

export function getAnnotation(db: Db, annotationId: number): AnnotationRecord | undefined {
  const rows = db
    .select(recordColumns)
    .from(annotations)
    .leftJoin(users, eq(users.id, annotations.userId))
    .where(eq(annotations.id, annotationId))
    .all();
  return attachLabels(db, rows)[0];
}

export interface CurrentAnnotation {
  itemId: number;
  annotationId: number;
  kind: AnnotationKind;
  labelIds: number[];
}

/**
 * The current annotation of every annotated item in a collection, as it stood when annotation
 * `asOfAnnotationId` was written (or now). Training takes this snapshot so that annotations saved
 * while a model trains do not leak into it.
 */
export function listCurrentAnnotations(
  db: Db,
  collectionId: number,
  asOfAnnotationId?: number,
): CurrentAnnotation[] {
  const cap = asOfAnnotationId ?? Number.MAX_SAFE_INTEGER;
  const latest = `select an.item_id, max(an.id) as id
                    from annotations an join items i on i.id = an.item_id
                   where i.collection_id = ? and an.id <= ?
                   group by an.item_id`;
  const rows = db.$client
    .prepare(
      `select a.item_id as itemId, a.id as annotationId, a.kind as kind
         from (${latest}) latest join annotations a on a.id = latest.id
        where a.kind != 'cleared'
        order by a.item_id`,
    )
    .all(collectionId, cap) as Omit<CurrentAnnotation, 'labelIds'>[];

  const labelRows = db.$client
    .prepare(
      `select al.annotation_id as annotationId, al.label_id as labelId
         from (${latest}) latest join annotation_labels al on al.annotation_id = latest.id`,
    )
    .all(collectionId, cap) as { annotationId: number; labelId: number }[];
  const byAnnotation = new Map<number, number[]>();
  for (const link of labelRows) {
    const list = byAnnotation.get(link.annotationId) ?? [];
    list.push(link.labelId);
    byAnnotation.set(link.annotationId, list);
  }

  return rows.map((row) => ({ ...row, labelIds: byAnnotation.get(row.annotationId) ?? [] }));
}
