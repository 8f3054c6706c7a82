import path from 'node:path';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { activateModel, getModel, type ModelRow } from '@/lib/ml/model-repo';
import { loadModel } from '@/lib/ml/artifacts';
import { initTf } from '@/lib/ml/backend';
import { ensureEmbeddings, loadEmbeddings } from '@/lib/ml/embedding-repo';
import { scoreItemsInto } from '@/lib/ml/train-collection';
import { applyLabelerThresholds, countPredictions } from './training-repo';

/** Rolling back to an earlier model, and changing a labeler's thresholds after training. */

const log = createLogger('training:registry');

function readyModel(db: Db, modelId: number): ModelRow {
  const model = getModel(db, modelId);
  if (!model) throw new AppError('not_found', `Model ${modelId} not found.`);
  if (model.status !== 'ready' || !model.artifactPath) {
    throw new AppError(
      'conflict',
      `Model ${modelId} is ${model.status}; only a ready model can be used.`,
    );
  }
  return model;
}

/**
 * Scores every embedded item of the collection with a stored model into its predictions, from
 * its saved artifacts. Used before re-activating a model whose predictions were removed, so that
 * it never becomes active without them.
 */
async function rescore(db: Db, dataDir: string, model: ModelRow): Promise<number> {
  const { tf } = await initTf();
  const embedded = await ensureEmbeddings(db, {
    collectionId: model.collectionId,
    backbone: model.backbone,
    dataDir,
  });
  const saved = await loadModel(tf, path.join(dataDir, model.artifactPath ?? ''));
  try {
    return await scoreItemsInto(
      tf,
      db,
      model.id,
      model.labelIds,
      {
        kind: model.kind,
        model: saved.model,
        inputDim: saved.card.head.inputDim,
        labelCount: saved.card.head.labelCount,
        thresholds: model.thresholds ?? saved.card.thresholds,
        novelty: saved.novelty,
      },
      loadEmbeddings(db, model.collectionId, embedded.backbone),
    );
  } finally {
    saved.model.dispose();
  }
}

/**
 * Makes an earlier ready model the active one of its kind (a roll-back). Its predictions are
 * re-scored first when they were removed, so that an active model always has predictions.
 */
export async function rollBackTo(db: Db, dataDir: string, modelId: number): Promise<ModelRow> {
  const model = readyModel(db, modelId);
  if (model.active) return model;

  if (countPredictions(db, model.id) === 0) {
    const items = await rescore(db, dataDir, model);
    log.info(`Re-scored ${items} items with model ${model.id} before making it active again.`);
  }
  activateModel(db, model.id);
  log.info(
    `Model ${model.id} (${model.kind}) of collection ${model.collectionId} is active again.`,
  );
  return getModel(db, model.id) ?? model;
}

export const thresholdsSchema = z.object({
  /** One threshold per label id of the model. */
  thresholds: z.record(z.string().regex(/^\d+$/), z.number().min(0).max(1)),
});

/** Sets some of a labeler's per-label thresholds and re-derives its predictions. */
export function setLabelerThresholds(
  db: Db,
  modelId: number,
  changes: Record<string, number>,
): { model: ModelRow; items: number } {
  const model = readyModel(db, modelId);
  if (model.kind !== 'labeler') {
    throw new AppError(
      'bad_request',
      'Only a labeler has per-label thresholds; a classifier takes the top label.',
    );
  }
  const unknown = Object.keys(changes).filter((id) => !model.labelIds.includes(Number(id)));
  if (unknown.length > 0) {
    throw new AppError('validation_failed', `Model ${modelId} has no label ${unknown.join(', ')}.`);
  }

  const thresholds = model.labelIds.map(
    (labelId, index) => changes[String(labelId)] ?? model.thresholds?.[index] ?? 0.5,
  );
  const items = applyLabelerThresholds(db, modelId, thresholds);
  log.info(`Updated the thresholds of labeler ${modelId} and re-derived ${items} predictions.`);
  return { model: getModel(db, modelId) ?? model, items };
}
