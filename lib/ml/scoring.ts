import type * as tfjs from '@tensorflow/tfjs';
import type { ModelKind } from '@/db/schema';
import type { Tf } from './backend';
import { prepareFeatures, unitRows } from './features';
import { headProbabilities } from './heads';
import { noveltyScores, type NoveltyModel } from './novelty';

/**
 * Everything a trained model says about a batch of items: probabilities, the labels it assigns,
 * how unsure it is and how novel each item looks. Uncertainties are on a 0–1 scale: a labeler's
 * per-label binary entropy in bits (1 at p = 0.5), and a classifier's softmax entropy divided by
 * log(label count) (1 when every label is equally likely).
 */

export interface ScoringModel {
  kind: ModelKind;
  model: tfjs.LayersModel;
  inputDim: number;
  labelCount: number;
  /** Labeler only: per-label decision thresholds in output order. */
  thresholds: readonly number[] | null;
  novelty: NoveltyModel | null;
}

export interface ScoreResult {
  count: number;
  labelCount: number;
  /** count × labelCount, row-major. */
  probabilities: Float32Array;
  /** count × labelCount: 1 where the label is assigned. */
  predicted: Uint8Array;
  /** count × labelCount: binary entropy of each label's probability, in bits. */
  labelEntropy: Float32Array;
  topIndex: Int32Array;
  topProbability: Float32Array;
  uncertainty: Float32Array;
  /** Classifier: top-two probability margin; null for a labeler. */
  margin: Float32Array | null;
  novelty: Float32Array | null;
  isNovel: Uint8Array;
  /** Labeler: no label passed its threshold. Always 0 for a classifier. */
  noLabel: Uint8Array;
}

export function binaryEntropyBits(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

function emptyResult(count: number, labelCount: number, kind: ModelKind): ScoreResult {
  return {
    count,
    labelCount,
    probabilities: new Float32Array(0),
    predicted: new Uint8Array(count * labelCount),
    labelEntropy: new Float32Array(count * labelCount),
    topIndex: new Int32Array(count),
    topProbability: new Float32Array(count),
    uncertainty: new Float32Array(count),
    margin: kind === 'classifier' ? new Float32Array(count) : null,
    novelty: null,
    isNovel: new Uint8Array(count),
    noLabel: new Uint8Array(count),
  };
}

function decideRow(scoring: ScoringModel, result: ScoreResult, row: number): void {
  const { labelCount, probabilities: p } = result;
  const base = row * labelCount;
  let top = 0;
  for (let label = 1; label < labelCount; label++) if (p[base + label] > p[base + top]) top = label;
  let second = -1;
  for (let label = 0; label < labelCount; label++) {
    if (label !== top && (second < 0 || p[base + label] > p[base + second])) second = label;
  }
  let softmaxEntropy = 0;
  let maxBinaryEntropy = 0;
  let assigned = 0;

  for (let label = 0; label < labelCount; label++) {
    const probability = p[base + label];
    const entropy = binaryEntropyBits(probability);
    result.labelEntropy[base + label] = entropy;
    maxBinaryEntropy = Math.max(maxBinaryEntropy, entropy);
    if (probability > 0) softmaxEntropy -= probability * Math.log(probability);

    const isAssigned =
      scoring.kind === 'labeler' && probability >= (scoring.thresholds?.[label] ?? 0.5);
    if (isAssigned) assigned++;
    result.predicted[base + label] = isAssigned ? 1 : 0;
  }

  result.topIndex[row] = top;
  result.topProbability[row] = p[base + top];
  if (scoring.kind === 'classifier') {
    result.predicted[base + top] = 1;
    result.uncertainty[row] = labelCount > 1 ? softmaxEntropy / Math.log(labelCount) : 0;
    if (result.margin) result.margin[row] = p[base + top] - (second >= 0 ? p[base + second] : 0);
  } else {
    result.uncertainty[row] = maxBinaryEntropy;
    result.noLabel[row] = assigned === 0 ? 1 : 0;
  }
}

/** Scores raw backbone embeddings (count × inputDim, row-major). */
export async function scoreEmbeddings(
  tf: Tf,
  scoring: ScoringModel,
  embeddings: Float32Array,
): Promise<ScoreResult> {
  const count = embeddings.length / scoring.inputDim;
  const result = emptyResult(count, scoring.labelCount, scoring.kind);
  if (count === 0) return result;

  result.probabilities = await headProbabilities(
    tf,
    scoring.model,
    prepareFeatures(embeddings, scoring.inputDim),
    scoring.inputDim,
  );
  for (let row = 0; row < count; row++) decideRow(scoring, result, row);

  if (scoring.novelty) {
    const scores = await noveltyScores(tf, scoring.novelty, unitRows(embeddings, scoring.inputDim));
    const threshold = scoring.novelty.threshold;
    result.novelty = scores;
    scores.forEach((score, row) => (result.isNovel[row] = score > threshold ? 1 : 0));
  }
  return result;
}
