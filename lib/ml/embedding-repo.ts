import path from 'node:path';
import { and, count, eq, inArray, isNull } from 'drizzle-orm';
import { retryWhileBusy, type Db } from '@/db/client';
import { embeddings, items } from '@/db/schema';
import { createLogger } from '@/lib/log';
import { resolveBackbone } from './backbones';
import { embedFiles, type EmbedOptions } from './embedder';

/**
 * The embedding cache: one float32 vector per item and backbone, stored little-endian in a BLOB
 * (every platform Node and TF.js run on is little-endian). Embedding is resumable: only items
 * without a vector for the backbone are embedded, and vectors are written batch by batch.
 */

const log = createLogger('ml:embeddings');
const ID_CHUNK = 500;

export function vectorToBlob(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function blobToVector(blob: Buffer): Float32Array {
  // Copy: a BLOB's bytes need not sit at a 4-byte aligned offset.
  const bytes = new Uint8Array(blob);
  return new Float32Array(bytes.buffer, 0, bytes.byteLength / Float32Array.BYTES_PER_ELEMENT);
}

interface PendingItem {
  id: number;
  filePath: string;
}

function listItemsWithoutEmbedding(db: Db, collectionId: number, backbone: string): PendingItem[] {
  return db
    .select({ id: items.id, filePath: items.filePath })
    .from(items)
    .leftJoin(embeddings, and(eq(embeddings.itemId, items.id), eq(embeddings.backbone, backbone)))
    .where(and(eq(items.collectionId, collectionId), isNull(embeddings.itemId)))
    .orderBy(items.id)
    .all();
}

function countItems(db: Db, collectionId: number): number {
  const [row] = db
    .select({ count: count() })
    .from(items)
    .where(eq(items.collectionId, collectionId))
    .all();
  return row?.count ?? 0;
}

/** Writes vectors in one transaction; an item deleted meanwhile is skipped by its foreign key. */
export function saveEmbeddings(
  db: Db,
  backbone: string,
  entries: { itemId: number; vector: Float32Array }[],
): void {
  if (entries.length === 0) return;
  const rows = entries.map(({ itemId, vector }) => ({
    itemId,
    backbone,
    dim: vector.length,
    vector: vectorToBlob(vector),
  }));
  retryWhileBusy(() =>
    db.transaction((tx) => {
      const ids = rows.map((row) => row.itemId);
      const existing = tx.select({ id: items.id }).from(items).where(inArray(items.id, ids)).all();
      const live = rows.filter((row) => existing.some((item) => item.id === row.itemId));
      if (live.length > 0) tx.insert(embeddings).values(live).onConflictDoNothing().run();
    }),
  );
}

export interface EnsureEmbeddingsOptions {
  collectionId: number;
  backbone: string;
  dataDir: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  batchSize?: number;
  workers?: number;
}

export interface EnsureEmbeddingsResult {
  /** The cache key the vectors are stored under (the backbone's id). */
  backbone: string;
  computed: number;
  cached: number;
  failed: { itemId: number; message: string }[];
  imagesPerSecond: number;
}

/**
 * Embeds every item of the collection that has no vector for the backbone yet. Items that fail
 * are reported and left without a vector, so the next run tries them again.
 */
export async function ensureEmbeddings(
  db: Db,
  options: EnsureEmbeddingsOptions,
): Promise<EnsureEmbeddingsResult> {
  const backbone = resolveBackbone(options.backbone).id;
  const pending = listItemsWithoutEmbedding(db, options.collectionId, backbone);
  const cached = countItems(db, options.collectionId) - pending.length;
  if (pending.length === 0)
    return { backbone, computed: 0, cached, failed: [], imagesPerSecond: 0 };

  log.info(
    `Embedding ${pending.length} items of collection ${options.collectionId} with ${backbone}.`,
  );
  let computed = 0;
  const embedOptions: EmbedOptions = {
    backbone: options.backbone,
    batchSize: options.batchSize,
    workers: options.workers,
    onProgress: options.onProgress,
    signal: options.signal,
    onBatchDone: (firstIndex, vectors) => {
      const entries = vectors.flatMap((vector, offset) => {
        const item = pending[firstIndex + offset];
        return vector && item ? [{ itemId: item.id, vector }] : [];
      });
      saveEmbeddings(db, backbone, entries);
      computed += entries.length;
    },
  };

  const files = pending.map((item) => path.join(options.dataDir, item.filePath));
  const result = await embedFiles(files, embedOptions);
  const failed = result.errors.map((error) => ({
    itemId: (pending[error.index] as PendingItem).id,
    message: error.message,
  }));
  return { backbone, computed, cached, failed, imagesPerSecond: result.imagesPerSecond };
}

function rowsToMap(rows: { itemId: number; vector: Buffer }[]): Map<number, Float32Array> {
  return new Map(rows.map((row) => [row.itemId, blobToVector(row.vector)]));
}

/** Every cached vector of a collection for a backbone id, by item id. */
export function loadEmbeddings(
  db: Db,
  collectionId: number,
  backbone: string,
): Map<number, Float32Array> {
  const rows = db
    .select({ itemId: embeddings.itemId, vector: embeddings.vector })
    .from(embeddings)
    .innerJoin(items, eq(items.id, embeddings.itemId))
    .where(and(eq(items.collectionId, collectionId), eq(embeddings.backbone, backbone)))
    .all();
  return rowsToMap(rows);
}

/** The cached vectors of the given items for a backbone id; items without one are absent. */
export function loadEmbeddingsByItemIds(
  db: Db,
  itemIds: number[],
  backbone: string,
): Map<number, Float32Array> {
  const found = new Map<number, Float32Array>();
  for (let start = 0; start < itemIds.length; start += ID_CHUNK) {
    const chunk = itemIds.slice(start, start + ID_CHUNK);
    const rows = db
      .select({ itemId: embeddings.itemId, vector: embeddings.vector })
      .from(embeddings)
      .where(and(eq(embeddings.backbone, backbone), inArray(embeddings.itemId, chunk)))
      .all();
    for (const [itemId, vector] of rowsToMap(rows)) found.set(itemId, vector);
  }
  return found;
}
