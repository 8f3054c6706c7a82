import fs from 'node:fs';
import path from 'node:path';
import { loadModel, type ModelCard } from './artifacts';
import { initTf } from './backend';
import { embedFiles } from './embedder';
import { ACTIVE_THRESHOLDS_FILE, activeThresholdsSchema } from './model-package';
import { scoreEmbeddings } from './scoring';

/**
 * Labels image files with a model folder (an unpacked model export) outside the app: embeds
 * them with the backbone the card names, applies the head, the thresholds in force at export
 * (thresholds.json, else the card's tuned ones) and the novelty reference.
 */

export interface FilePrediction {
  file: string;
  /** The labels assigned; empty when the labeler says "none of these" or the file failed. */
  labels: string[];
  /** Labeler: no label reached its threshold. */
  noneOfThese: boolean;
  /** Novelty above the model's threshold: unlike anything the model was trained on. */
  outOfScope: boolean;
  novelty: number | null;
  /** Probability per label name, in the model's output order. */
  probabilities: Record<string, number>;
  error: string | null;
}

export interface PredictFilesResult {
  card: ModelCard;
  thresholds: number[] | null;
  predictions: FilePrediction[];
}

function activeThresholds(modelDir: string, card: ModelCard): number[] | null {
  const file = path.join(modelDir, ACTIVE_THRESHOLDS_FILE);
  if (!fs.existsSync(file)) return card.thresholds;
  return activeThresholdsSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).thresholds;
}

export async function predictFiles(
  modelDir: string,
  files: string[],
  options: { backbone?: string } = {},
): Promise<PredictFilesResult> {
  const { tf } = await initTf();
  const saved = await loadModel(tf, modelDir);
  try {
    const { card } = saved;
    const thresholds = activeThresholds(modelDir, card);
    const embedded = await embedFiles(files, { backbone: options.backbone ?? card.backbone });
    const inputDim = card.head.inputDim;
    const ok = embedded.vectors.flatMap((vector, index) => (vector ? [index] : []));
    const rows = new Float32Array(ok.length * inputDim);
    ok.forEach((index, row) => rows.set(embedded.vectors[index] ?? [], row * inputDim));

    const result = await scoreEmbeddings(
      tf,
      {
        kind: card.kind,
        model: saved.model,
        inputDim,
        labelCount: card.head.labelCount,
        thresholds,
        novelty: saved.novelty,
      },
      rows,
    );

    const names = card.labels.map((label) => label.name);
    const errors = new Map(embedded.errors.map((error) => [error.index, error.message]));
    const rowOf = new Map(ok.map((index, row) => [index, row]));
    const predictions = files.map((file, index): FilePrediction => {
      const row = rowOf.get(index);
      if (row === undefined) {
        const error = errors.get(index) ?? 'could not be embedded';
        return {
          file,
          labels: [],
          noneOfThese: false,
          outOfScope: false,
          novelty: null,
          probabilities: {},
          error,
        };
      }
      const base = row * names.length;
      return {
        file,
        labels: names.filter((_, label) => result.predicted[base + label] === 1),
        noneOfThese: result.noLabel[row] === 1,
        outOfScope: result.isNovel[row] === 1,
        novelty: result.novelty ? result.novelty[row] : null,
        probabilities: Object.fromEntries(
          names.map((name, label) => [name, result.probabilities[base + label]]),
        ),
        error: null,
      };
    });
    return { card, thresholds, predictions };
  } finally {
    saved.model.dispose();
  }
}
