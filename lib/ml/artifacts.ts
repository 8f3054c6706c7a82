import fs from 'node:fs/promises';
import path from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { z } from 'zod';
import { MODEL_KINDS } from '@/db/schema';
import type { Tf } from './backend';
import { FEATURE_TRANSFORM } from './features';
import { readFolderArtifacts } from './model-artifacts';
import { NOVELTY_METHODS, type NoveltyModel } from './novelty';
import { thresholdPolicySchema } from './thresholds';

/**
 * A trained model on disk: the head in TF.js layers format (model.json + weights.bin), the
 * novelty model's arrays (novelty.bin, float32 little-endian) and card.json, which says what the
 * model is, what it was trained on and how well it did. Written through our own IOHandler
 * because tfjs' file:// handler needs tfjs-node, which may be absent. A model folder is written
 * under a temporary name and renamed into place, so no reader ever sees half a model.
 */

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const NOVELTY_FILE = 'novelty.bin';
export const CARD_FILE = 'card.json';

const noveltyCardSchema = z.object({
  method: z.enum(NOVELTY_METHODS),
  dim: z.number().int().positive(),
  threshold: z.number(),
  percentile: z.number(),
  k: z.number().int().positive().optional(),
  shrinkage: z.number().optional(),
  /** knn: reference rows. mahalanobis: label means (the whitening matrix is dim × dim). */
  rows: z.number().int().min(0),
  file: z.literal(NOVELTY_FILE),
});

export const modelCardSchema = z.object({
  version: z.literal(1),
  kind: z.enum(MODEL_KINDS),
  backbone: z.string(),
  backend: z.string(),
  featureTransform: z.literal(FEATURE_TRANSFORM),
  head: z.object({
    inputDim: z.number().int().positive(),
    hiddenUnits: z.number().int().min(0),
    labelCount: z.number().int().positive(),
  }),
  labels: z.array(z.object({ id: z.number().int(), name: z.string() })),
  /** Labeler: per-label thresholds in output order, as tuned (overrides are applied on top). */
  thresholds: z.array(z.number()).nullable(),
  thresholdPolicy: thresholdPolicySchema.nullable(),
  novelty: noveltyCardSchema.nullable(),
  metrics: z.record(z.string(), z.unknown()),
  trainCount: z.number().int().min(0),
  validationCount: z.number().int().min(0),
  /** Items annotated "none of these" in the snapshot (in training for a labeler, left out else). */
  noneCount: z.number().int().min(0),
  excluded: z.object({
    none: z.number().int().min(0),
    multiLabel: z.number().int().min(0),
    missingEmbedding: z.number().int().min(0),
  }),
  snapshotAnnotationId: z.number().int().nullable(),
  snapshotAt: z.number().int(),
  seed: z.number().int(),
  options: z.record(z.string(), z.unknown()),
  durationMs: z.number().min(0),
  createdAt: z.number().int(),
});
export type ModelCard = z.infer<typeof modelCardSchema>;

export interface SavedModel {
  card: ModelCard;
  model: tfjs.LayersModel;
  novelty: NoveltyModel | null;
}

/** An IOHandler that writes the two TF.js files into `dir`. */
function folderSaveHandler(dir: string): tfjs.io.IOHandler {
  return {
    async save(artifacts: tfjs.io.ModelArtifacts): Promise<tfjs.io.SaveResult> {
      const weightData = artifacts.weightData;
      if (!(weightData instanceof ArrayBuffer)) {
        throw new Error('Expected the head weights as one ArrayBuffer.');
      }
      const modelJson = {
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      await fs.writeFile(path.join(dir, MODEL_FILE), JSON.stringify(modelJson));
      await fs.writeFile(path.join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weightData.byteLength,
        },
      };
    },
  };
}

function noveltyArrays(novelty: NoveltyModel): Float32Array[] {
  return novelty.method === 'knn' ? [novelty.reference] : [novelty.whitening, novelty.means];
}

async function writeNovelty(dir: string, novelty: NoveltyModel): Promise<void> {
  const handle = await fs.open(path.join(dir, NOVELTY_FILE), 'w');
  try {
    for (const array of noveltyArrays(novelty)) {
      await handle.write(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    }
  } finally {
    await handle.close();
  }
}

/** The card's description of a novelty model (its arrays go to novelty.bin). */
export function describeNovelty(novelty: NoveltyModel): NonNullable<ModelCard['novelty']> {
  const common = {
    dim: novelty.dim,
    threshold: novelty.threshold,
    percentile: novelty.percentile,
    file: NOVELTY_FILE,
  } as const;
  return novelty.method === 'knn'
    ? { ...common, method: 'knn', k: novelty.k, rows: novelty.reference.length / novelty.dim }
    : {
        ...common,
        method: 'mahalanobis',
        shrinkage: novelty.shrinkage,
        rows: novelty.means.length / novelty.dim,
      };
}

/** Saves a model folder atomically; fails if `dir` already exists. */
export async function saveModel(
  dir: string,
  model: tfjs.LayersModel,
  card: ModelCard,
  novelty: NoveltyModel | null,
): Promise<void> {
  const parsedCard = modelCardSchema.parse(card);
  const staging = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await fs.mkdir(staging, { recursive: true });

  try {
    await model.save(folderSaveHandler(staging));
    if (novelty) await writeNovelty(staging, novelty);
    await fs.writeFile(path.join(staging, CARD_FILE), `${JSON.stringify(parsedCard, null, 2)}\n`);
    await fs.rename(staging, dir);
  } catch (error) {
    await fs.rm(staging, { recursive: true, force: true });
    throw error;
  }
}

function readNovelty(buffer: Buffer, card: NonNullable<ModelCard['novelty']>): NoveltyModel {
  const floats = new Float32Array(
    buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength),
  );
  const { dim } = card;
  if (card.method === 'knn') {
    if (floats.length !== card.rows * dim) throw new Error('novelty.bin does not match card.json.');
    return {
      method: 'knn',
      dim,
      k: card.k ?? 5,
      reference: floats,
      threshold: card.threshold,
      percentile: card.percentile,
    };
  }
  if (floats.length !== dim * dim + card.rows * dim) {
    throw new Error('novelty.bin does not match card.json.');
  }
  return {
    method: 'mahalanobis',
    dim,
    whitening: floats.slice(0, dim * dim),
    means: floats.slice(dim * dim),
    shrinkage: card.shrinkage ?? 0,
    threshold: card.threshold,
    percentile: card.percentile,
  };
}

export async function readCard(dir: string): Promise<ModelCard> {
  const text = await fs.readFile(path.join(dir, CARD_FILE), 'utf8');
  return modelCardSchema.parse(JSON.parse(text));
}

/** Loads a model folder written by `saveModel`. The caller disposes `model`. */
export async function loadModel(tf: Tf, dir: string): Promise<SavedModel> {
  const card = await readCard(dir);
  const { artifacts } = await readFolderArtifacts(dir);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const novelty = card.novelty
    ? readNovelty(await fs.readFile(path.join(dir, NOVELTY_FILE)), card.novelty)
    : null;
  return { card, model, novelty };
}
