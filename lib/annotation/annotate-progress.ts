import type { Db } from '@/db/client';
import { countBrowseFilters } from '@/lib/collections/item-browse-repo';

/** How far a collection's annotation has come, as the annotate view shows and announces it. */
export interface AnnotateProgress {
  total: number;
  annotated: number;
  none: number;
  /** Items whose current annotation carries each label, by label id. */
  byLabel: Record<number, number>;
}

export function getAnnotateProgress(db: Db, collectionId: number): AnnotateProgress {
  const counts = countBrowseFilters(db, collectionId);
  return {
    total: counts.all,
    annotated: counts.all - counts.unannotated,
    none: counts.none,
    byLabel: Object.fromEntries(counts.byLabel),
  };
}
