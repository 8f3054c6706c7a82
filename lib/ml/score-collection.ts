import path from 'node:path';
import type { Db } from '@/db/client';
import { MODEL_KINDS, type ModelKind } from '@/db/schema';
import { createLogger } from '@/lib/log';
import { loadModel } from './artifacts';
import { initTf } from './backend';
import { ensureEmbeddings, loadEmbeddings } from './embedding-repo';
import { getActiveModel } from './model-repo';
import { scoreItemsInto } from './train-collection';

/**
 * Re-scores a collection with its active models, for items added since training or after a
 * threshold change. The thresholds come from the models row, which holds any override; the card
 * keeps the tuned ones.
 */

export interface ScoredCollectionModel {
  kind: ModelKind;
  modelId: number;
  scoredItems: number;
}

const log = createLogger('ml:score');

export async function scoreCollection(input: {
  db: Db;
  dataDir: string;
  collectionId: number;
  kinds?: ModelKind[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}): Promise<ScoredCollectionModel[]> {
  const { db, collectionId } = input;
  const { tf } = await initTf();
  const results: ScoredCollectionModel[] = [];

  for (const kind of input.kinds ?? MODEL_KINDS) {
    const row = getActiveModel(db, collectionId, kind);
    if (!row?.artifactPath) continue;

    const embedded = await ensureEmbeddings(db, {
      collectionId,
      backbone: row.backbone,
      dataDir: input.dataDir,
      signal: input.signal,
      onProgress: input.onProgress,
    });
    const saved = await loadModel(tf, path.join(input.dataDir, row.artifactPath));
    try {
      const scoring = {
        kind,
        model: saved.model,
        inputDim: saved.card.head.inputDim,
        labelCount: saved.card.head.labelCount,
        thresholds: row.thresholds ?? saved.card.thresholds,
        novelty: saved.novelty,
      };
      const embeddings = loadEmbeddings(db, collectionId, embedded.backbone);
      const scoredItems = await scoreItemsInto(tf, db, row.id, row.labelIds, scoring, embeddings);
      log.info(
        `Scored ${scoredItems} items of collection ${collectionId} with model ${row.id} (${kind}).`,
      );
      results.push({ kind, modelId: row.id, scoredItems });
    } finally {
      saved.model.dispose();
    }
  }
  return results;
}
