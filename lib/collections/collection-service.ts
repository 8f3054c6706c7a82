import { z } from 'zod';
import type { Db } from '@/db/client';
import { ANNOTATION_MODES } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { createCollection, updateCollection, type Collection } from './collection-repo';
import { countItemsWithSeveralLabels } from './item-browse-repo';
import { addCheckedLabels, labelNameSchema } from './label-service';

/** Creating and editing collections, with the rules that span the collection and its labels. */

export const MAX_INITIAL_LABELS = 200;

export const newCollectionSchema = z.object({
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(''),
  annotationMode: z.enum(ANNOTATION_MODES),
  labels: z.array(labelNameSchema).max(MAX_INITIAL_LABELS).default([]),
});
export type NewCollectionInput = z.input<typeof newCollectionSchema>;

export const collectionChangesSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    description: z.string().trim().max(2000).optional(),
    annotationMode: z.enum(ANNOTATION_MODES).optional(),
    /** Retrain after this many new annotations; null turns auto-retrain off. */
    autoRetrainAfter: z.number().int().min(1).max(100_000).nullable().optional(),
  })
  .strict();
export type CollectionChanges = z.infer<typeof collectionChangesSchema>;

/** Creates a collection and its first labels together: both exist, or neither. */
export function createCollectionWithLabels(
  db: Db,
  input: z.infer<typeof newCollectionSchema>,
  createdBy: number | null,
): Collection {
  const names = [...new Set(input.labels)];

  return db.transaction(() => {
    const collection = createCollection(db, { ...input, createdBy });
    addCheckedLabels(
      db,
      collection.id,
      names.map((name) => ({ name })),
    );
    return collection;
  });
}

export function changeCollection(db: Db, id: number, changes: CollectionChanges): Collection {
  if (changes.annotationMode === 'single') {
    const several = countItemsWithSeveralLabels(db, id);
    if (several > 0) {
      throw new AppError(
        'conflict',
        `${several} item(s) currently carry more than one label; single-label mode allows one. ` +
          'Re-annotate them first.',
      );
    }
  }
  return updateCollection(db, id, changes);
}
