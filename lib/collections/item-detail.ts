import type { Db } from '@/db/client';
import { listItemHistory, type AnnotationRecord } from '@/lib/annotation/annotation-repo';
import { found } from '@/lib/errors';
import { getCollection, listLabels, type Collection, type Label } from './collection-repo';
import { getItem, type Item } from './item-repo';

/** Everything the item page and GET /api/items/[id] show about one item. */
export interface ItemDetail {
  item: Item;
  collection: Collection;
  labels: Label[];
  /** Newest first. */
  history: AnnotationRecord[];
}

export function getItemDetail(db: Db, itemId: number): ItemDetail {
  const item = found(getItem(db, itemId), `Item ${itemId}`);
  const collection = found(getCollection(db, item.collectionId), `Collection ${item.collectionId}`);

  return {
    item,
    collection,
    labels: listLabels(db, collection.id),
    history: listItemHistory(db, itemId),
  };
}
