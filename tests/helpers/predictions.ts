import type { Db } from '@/db/client';
import type { ModelKind } from '@/db/schema';
import { activateReadyModel, createTrainingModel, type ModelRow } from '@/lib/ml/model-repo';
import { replacePredictions } from '@/lib/ml/prediction-repo';
import { binaryEntropyBits, type ScoreResult } from '@/lib/ml/scoring';

/**
 * Hand-made predictions for queue tests: an active model of a kind whose scores are exactly the
 * probabilities given, with the derived columns (entropy, predicted, no-label, top label)
 * computed the way scoring defines them.
 */

export interface HandPrediction {
  itemId: number;
  /** One probability per label, in the model's label order. */
  probabilities: number[];
  novelty?: number;
  isNovel?: boolean;
}

function softmaxEntropyBits(probabilities: number[]): number {
  return -probabilities.reduce((sum, p) => (p > 0 ? sum + p * Math.log2(p) : sum), 0);
}

function toScoreResult(
  kind: ModelKind,
  rows: HandPrediction[],
  labelCount: number,
  thresholds: number[],
): ScoreResult {
  const n = rows.length;
  const novelty = new Float32Array(n);
  const result: ScoreResult = {
    count: n,
    labelCount,
    probabilities: new Float32Array(n * labelCount),
    predicted: new Uint8Array(n * labelCount),
    labelEntropy: new Float32Array(n * labelCount),
    topIndex: new Int32Array(n),
    topProbability: new Float32Array(n),
    uncertainty: new Float32Array(n),
    margin: kind === 'classifier' ? new Float32Array(n) : null,
    novelty,
    isNovel: new Uint8Array(n),
    noLabel: new Uint8Array(n),
  };

  rows.forEach((row, r) => {
    const sorted = [...row.probabilities].sort((a, b) => b - a);
    const top = row.probabilities.indexOf(sorted[0]);
    row.probabilities.forEach((p, l) => {
      const at = r * labelCount + l;
      result.probabilities[at] = p;
      result.labelEntropy[at] = binaryEntropyBits(p);
      result.predicted[at] = kind === 'classifier' ? Number(l === top) : Number(p >= thresholds[l]);
    });
    const entropies = row.probabilities.map(binaryEntropyBits);
    result.topIndex[r] = top;
    result.topProbability[r] = sorted[0];
    result.uncertainty[r] =
      kind === 'classifier' ? softmaxEntropyBits(row.probabilities) : Math.max(...entropies);
    if (result.margin) result.margin[r] = sorted[0] - (sorted[1] ?? 0);
    novelty[r] = row.novelty ?? 0;
    result.isNovel[r] = row.isNovel ? 1 : 0;
    result.noLabel[r] =
      kind === 'labeler' && row.probabilities.every((p, l) => p < thresholds[l]) ? 1 : 0;
  });
  return result;
}

export function makeActiveModel(
  db: Db,
  input: {
    collectionId: number;
    kind: ModelKind;
    labelIds: number[];
    predictions: HandPrediction[];
    thresholds?: number[];
    snapshotAnnotationId?: number | null;
  },
): ModelRow {
  const thresholds = input.thresholds ?? input.labelIds.map(() => 0.5);
  const model = createTrainingModel(db, {
    collectionId: input.collectionId,
    kind: input.kind,
    backbone: 'hand-made',
    backend: 'none',
    labelIds: input.labelIds,
    seed: 0,
    snapshotAnnotationId: input.snapshotAnnotationId ?? null,
  });
  replacePredictions(
    db,
    model.id,
    input.predictions.map((row) => row.itemId),
    input.labelIds,
    toScoreResult(input.kind, input.predictions, input.labelIds.length, thresholds),
  );
  return activateReadyModel(db, model.id, {
    thresholds: input.kind === 'labeler' ? thresholds : null,
    noveltyThreshold: 0.5,
    metrics: {},
    card: {},
    trainCount: 0,
    validationCount: 0,
    durationMs: 0,
    artifactPath: `models/${model.id}`,
  });
}
