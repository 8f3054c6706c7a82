import { and, asc, count, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { annotationLabels, labels } from '@/db/schema';
import type { Label } from './collection-repo';

/** Single-label reads and writes for the label schema editor. */

export function getLabel(db: Db, id: number): Label | undefined {
  return db.select().from(labels).where(eq(labels.id, id)).get();
}

export function updateLabelRow(
  db: Db,
  id: number,
  changes: Partial<Pick<Label, 'name' | 'description' | 'hotkey' | 'colour' | 'position'>>,
): Label | undefined {
  return db.update(labels).set(changes).where(eq(labels.id, id)).returning().get();
}

/** How many annotations, current or past, name this label. */
export function countAnnotationsWithLabel(db: Db, labelId: number): number {
  return (
    db
      .select({ n: count() })
      .from(annotationLabels)
      .where(eq(annotationLabels.labelId, labelId))
      .get()?.n ?? 0
  );
}

export function deleteLabelRow(db: Db, id: number): void {
  db.delete(labels).where(eq(labels.id, id)).run();
}

/** Rewrites positions 0..n-1 in the given order. */
export function setLabelPositions(db: Db, collectionId: number, orderedIds: number[]): void {
  orderedIds.forEach((id, position) => {
    db.update(labels)
      .set({ position })
      .where(and(eq(labels.id, id), eq(labels.collectionId, collectionId)))
      .run();
  });
}

export function listLabelIds(db: Db, collectionId: number): number[] {
  return db
    .select({ id: labels.id })
    .from(labels)
    .where(eq(labels.collectionId, collectionId))
    .orderBy(asc(labels.position), asc(labels.id))
    .all()
    .map((row) => row.id);
}

/** Annotations (history included) naming each label of a collection; unused labels are absent. */
export function countAnnotationsPerLabel(db: Db, collectionId: number): Map<number, number> {
  const rows = db
    .select({ labelId: annotationLabels.labelId, n: count() })
    .from(annotationLabels)
    .innerJoin(labels, eq(labels.id, annotationLabels.labelId))
    .where(eq(labels.collectionId, collectionId))
    .groupBy(annotationLabels.labelId)
    .all();
  return new Map(rows.map((row) => [row.labelId, row.n]));
}
