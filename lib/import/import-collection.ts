import type { Db } from '@/db/client';
import type { AnnotationMode } from '@/db/schema';
import {
  createCollection,
  getCollectionByName,
  type Collection,
} from '@/lib/collections/collection-repo';

export interface ImportCollectionRequest {
  name: string;
  mode: AnnotationMode;
  description?: string;
  createdBy?: number | null;
}

/**
 * The collection an import goes into: the one with this name, or a new one with the requested
 * mode. An existing collection keeps its own mode; `modeIgnored` tells the caller so.
 */
export function findOrCreateCollection(
  db: Db,
  request: ImportCollectionRequest,
): { collection: Collection; created: boolean; modeIgnored: boolean } {
  const existing = getCollectionByName(db, request.name);
  if (existing) {
    return {
      collection: existing,
      created: false,
      modeIgnored: existing.annotationMode !== request.mode,
    };
  }

  const collection = createCollection(db, {
    name: request.name,
    annotationMode: request.mode,
    description: request.description,
    createdBy: request.createdBy,
  });
  return { collection, created: true, modeIgnored: false };
}
