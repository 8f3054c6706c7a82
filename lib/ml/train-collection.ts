import fs from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@/db/client';
import type { ModelKind } from '@/db/schema';
import { listCurrentAnnotations } from '@/lib/annotation/annotation-repo';
import { listLabels } from '@/lib/collections/collection-repo';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { describeNovelty, saveModel, type ModelCard } from './artifacts';
import { initTf, type Tf } from './backend';
import { ensureEmbeddings, loadEmbeddings } from './embedding-repo';
import { FEATURE_TRANSFORM } from './features';
import {
  activateReadyModel,
  createTrainingModel,
  latestAnnotationId,
  markModelFailed,
  type ModelRow,
} from './model-repo';
import { replacePredictions } from './prediction-repo';
import { scoreEmbeddings, type ScoringModel } from './scoring';
import {
  trainModel,
  trainOptionsSchema,
  type TrainedModel,
  type TrainOptionsInput,
} from './train-model';
import type { EpochReport } from './training-loop';
import { buildTrainingSet, type TrainingSet } from './training-set';

/**
 * Trains a collection's classifier and/or labeler from one annotation snapshot and puts them to
 * work: embed what is missing, train, tune, fit novelty, save the artifacts, score every item,
 * then mark the model ready and active. Scoring comes before activation so that the active model
 * always has its predictions; if anything fails the row is marked failed and the previous
 * active model stays active.
 */

export type TrainProgress =
  | { stage: 'embed'; done: number; total: number }
  | ({ stage: 'train'; kind: ModelKind } & EpochReport)
  | { stage: 'score'; kind: ModelKind; items: number }
  | { stage: 'ready'; kind: ModelKind; modelId: number };

export interface TrainCollectionInput {
  db: Db;
  dataDir: string;
  collectionId: number;
  kinds: ModelKind[];
  backbone: string;
  options?: TrainOptionsInput;
  onProgress?: (progress: TrainProgress) => void;
  signal?: AbortSignal;
  jobId?: number | null;
  createdBy?: number | null;
}

export interface TrainedCollectionModel {
  kind: ModelKind;
  modelId: number;
  trainCount: number;
  validationCount: number;
  metrics: TrainedModel['metrics'];
  scoredItems: number;
}

const log = createLogger('ml:train');

/** Where a model's artifacts live, relative to the data directory. */
export function modelArtifactPath(modelId: number): string {
  return path.join('models', String(modelId));
}

export async function trainCollection(
  input: TrainCollectionInput,
): Promise<TrainedCollectionModel[]> {
  const { db, collectionId } = input;
  const labels = listLabels(db, collectionId);
  if (labels.length === 0)
    throw new AppError('bad_request', 'The collection has no labels to train.');

  const snapshotAnnotationId = latestAnnotationId(db, collectionId);
  const snapshotAt = Date.now();
  const annotations = listCurrentAnnotations(db, collectionId, snapshotAnnotationId ?? 0);

  const embedded = await ensureEmbeddings(db, {
    collectionId,
    backbone: input.backbone,
    dataDir: input.dataDir,
    signal: input.signal,
    onProgress: (done, total) => input.onProgress?.({ stage: 'embed', done, total }),
  });
  const embeddings = loadEmbeddings(db, collectionId, embedded.backbone);
  const runtime = await initTf();

  const results: TrainedCollectionModel[] = [];
  for (const kind of input.kinds) {
    const set = buildTrainingSet({
      kind,
      labelIds: labels.map((label) => label.id),
      annotations,
      embeddings,
    });
    const row = createTrainingModel(db, {
      collectionId,
      kind,
      backbone: embedded.backbone,
      backend: runtime.backend,
      labelIds: set.labelIds,
      seed: trainOptionsSchema.parse(input.options ?? {}).seed,
      snapshotAnnotationId,
      jobId: input.jobId,
      createdBy: input.createdBy,
    });
    const context = {
      ...input,
      tf: runtime.tf,
      backend: runtime.backend,
      row,
      set,
      snapshotAt,
      embeddings,
    };
    const names = new Map(labels.map((label) => [label.id, label.name]));
    results.push(await trainOne(context, names));
  }
  return results;
}

interface TrainOneContext extends TrainCollectionInput {
  tf: Tf;
  backend: string;
  row: ModelRow;
  set: TrainingSet;
  snapshotAt: number;
  embeddings: Map<number, Float32Array>;
}

async function trainOne(
  context: TrainOneContext,
  labelNames: Map<number, string>,
): Promise<TrainedCollectionModel> {
  const { tf, row, set } = context;
  const startedAt = Date.now();
  let trained: TrainedModel | undefined;

  try {
    if (set.itemIds.length === 0) {
      throw new AppError(
        'bad_request',
        `There are no annotated items a ${set.kind} can learn from.`,
      );
    }
    log.info(
      `Training the ${set.kind} of collection ${row.collectionId} as model ${row.id} on ${set.itemIds.length} items.`,
    );
    trained = await trainModel(tf, {
      set,
      options: context.options,
      signal: context.signal,
      onEpoch: (report) => context.onProgress?.({ stage: 'train', kind: set.kind, ...report }),
    });

    const card = buildCard(context, trained, labelNames, Date.now() - startedAt);
    const artifactPath = modelArtifactPath(row.id);
    const dir = path.join(context.dataDir, artifactPath);
    await fs.mkdir(path.dirname(dir), { recursive: true });
    await saveModel(dir, trained.model, card, trained.novelty);

    context.signal?.throwIfAborted();
    const scoredItems = await scoreAll(context, trained);
    const ready = activateReadyModel(context.db, row.id, {
      thresholds: trained.thresholds,
      noveltyThreshold: trained.novelty?.threshold ?? null,
      metrics: { ...trained.metrics },
      card: { ...card },
      trainCount: trained.trainCount,
      validationCount: trained.validationCount,
      durationMs: Date.now() - startedAt,
      artifactPath,
    });
    log.info(
      `Model ${ready.id} (${set.kind}) is ready and active; macro-F1 ${trained.metrics.macroF1?.toFixed(3)}.`,
    );
    context.onProgress?.({ stage: 'ready', kind: set.kind, modelId: row.id });

    return {
      kind: set.kind,
      modelId: row.id,
      trainCount: trained.trainCount,
      validationCount: trained.validationCount,
      metrics: trained.metrics,
      scoredItems,
    };
  } catch (error) {
    markModelFailed(context.db, row.id, Date.now() - startedAt);
    if (context.signal?.aborted) {
      log.warn(
        `Training model ${row.id} (${set.kind}) was cancelled; the previous model stays active.`,
      );
    } else {
      log.error(`Training model ${row.id} (${set.kind}) failed; the previous model stays active.`, {
        error,
      });
    }
    throw error;
  } finally {
    trained?.model.dispose();
  }
}

function buildCard(
  context: TrainOneContext,
  trained: TrainedModel,
  labelNames: Map<number, string>,
  durationMs: number,
): ModelCard {
  const { set } = context;
  return {
    version: 1,
    kind: set.kind,
    backbone: context.row.backbone,
    backend: context.backend,
    featureTransform: FEATURE_TRANSFORM,
    head: {
      inputDim: trained.inputDim,
      hiddenUnits: trained.hiddenUnits,
      labelCount: trained.labelCount,
    },
    labels: set.labelIds.map((id) => ({ id, name: labelNames.get(id) ?? String(id) })),
    thresholds: trained.thresholds,
    thresholdPolicy: set.kind === 'labeler' ? trained.options.thresholdPolicy : null,
    novelty: trained.novelty ? describeNovelty(trained.novelty) : null,
    metrics: { ...trained.metrics, epochsRun: trained.epochsRun, bestEpoch: trained.bestEpoch },
    trainCount: trained.trainCount,
    validationCount: trained.validationCount,
    noneCount: set.counts.none,
    excluded: {
      none: set.counts.noneExcluded,
      multiLabel: set.counts.multiLabelExcluded,
      missingEmbedding: set.counts.missingEmbedding,
    },
    snapshotAnnotationId: context.row.snapshotAnnotationId,
    snapshotAt: context.snapshotAt,
    seed: trained.options.seed,
    options: {
      head: trained.options.head,
      novelty: trained.options.novelty,
      validationFraction: trained.options.validationFraction,
    },
    durationMs,
    createdAt: Date.now(),
  };
}

/** Scores every embedded item of the collection into the model's predictions. */
async function scoreAll(context: TrainOneContext, trained: TrainedModel): Promise<number> {
  const scoring: ScoringModel = {
    kind: trained.kind,
    model: trained.model,
    inputDim: trained.inputDim,
    labelCount: trained.labelCount,
    thresholds: trained.thresholds,
    novelty: trained.novelty,
  };
  return scoreItemsInto(
    context.tf,
    context.db,
    context.row.id,
    context.set.labelIds,
    scoring,
    context.embeddings,
    (items) => context.onProgress?.({ stage: 'score', kind: trained.kind, items }),
  );
}

/** Scores the given embeddings with a model and replaces its predictions. Returns the count. */
export async function scoreItemsInto(
  tf: Tf,
  db: Db,
  modelId: number,
  labelIds: readonly number[],
  scoring: ScoringModel,
  embeddings: Map<number, Float32Array>,
  onScored?: (items: number) => void,
): Promise<number> {
  const itemIds = [...embeddings.keys()].filter(
    (id) => embeddings.get(id)?.length === scoring.inputDim,
  );
  const rows = new Float32Array(itemIds.length * scoring.inputDim);
  itemIds.forEach((id, index) => rows.set(embeddings.get(id) ?? [], index * scoring.inputDim));

  const result = await scoreEmbeddings(tf, scoring, rows);
  replacePredictions(db, modelId, itemIds, labelIds, result);
  onScored?.(itemIds.length);
  return itemIds.length;
}
