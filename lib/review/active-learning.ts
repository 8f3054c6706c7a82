import type { Tf } from '@/lib/ml/backend';
import { prepareFeatures, stackRows } from '@/lib/ml/features';
import { headProbabilities } from '@/lib/ml/heads';
import { macroF1, oneHot } from '@/lib/ml/metrics';
import { createRandom, shuffleInPlace, type Random } from '@/lib/ml/random';
import { binaryEntropyBits } from '@/lib/ml/scoring';
import { stratifiedSplit } from '@/lib/ml/split';
import { applyThresholds } from '@/lib/ml/thresholds';
import { trainModel, type TrainedModel } from '@/lib/ml/train-model';
import { buildTrainingSet } from '@/lib/ml/training-set';

/**
 * A simulated review loop on a folder-per-label dataset whose answers are known: start from K
 * labels per class, train the labeler with the product's code (trainModel: split, early-stopped
 * head, tuned thresholds), take the next batch from the uncertainty ranking (or at random), and
 * measure macro-F1 on a held-out test split after each batch. It answers whether the review
 * queue saves reviewers' labels, and how many.
 */

export const SAMPLING_STRATEGIES = ['entropy', 'margin'] as const;
export type SamplingStrategy = (typeof SAMPLING_STRATEGIES)[number];

export interface SimulationInput {
  vectors: readonly Float32Array[];
  classOf: readonly number[];
  classCount: number;
  seed: number;
  batch: number;
  initialPerClass: number;
  strategy: SamplingStrategy;
  /** Share of each uncertainty batch drawn at random, as the product's queues do. */
  randomShare: number;
  testFraction?: number;
  /** Stop adding labels here even if a curve has not reached the target. */
  maxLabels?: number;
  /** Share of the full-data F1 a curve must reach. */
  targetShare?: number;
  epochs?: number;
  learningRate?: number;
  onPoint?: (point: CurvePoint) => void;
}

export interface CurvePoint {
  labels: number;
  uncertaintyF1: number;
  randomF1: number;
}

export interface SimulationResult {
  fullF1: number;
  targetF1: number;
  poolCount: number;
  testCount: number;
  labelsToTarget: { uncertainty: number | null; random: number | null };
  curve: CurvePoint[];
}

interface Data {
  dim: number;
  classCount: number;
  vectors: readonly Float32Array[];
  classOf: readonly number[];
  testFeatures: Float32Array;
  testTargets: Float32Array;
  seed: number;
  epochs: number;
  learningRate: number | undefined;
}

async function trainLabeler(tf: Tf, data: Data, rows: readonly number[]): Promise<TrainedModel> {
  const labelIds = Array.from({ length: data.classCount }, (_, c) => c + 1);
  const set = buildTrainingSet({
    kind: 'labeler',
    labelIds,
    annotations: rows.map((row) => ({
      itemId: row,
      kind: 'labels' as const,
      labelIds: [data.classOf[row] + 1],
    })),
    embeddings: new Map(rows.map((row) => [row, data.vectors[row]])),
  });
  return trainModel(tf, {
    set,
    options: {
      seed: data.seed,
      novelty: null,
      head: { epochs: data.epochs, learningRate: data.learningRate },
    },
  });
}

async function probabilitiesOf(
  tf: Tf,
  data: Data,
  trained: TrainedModel,
  features: Float32Array,
): Promise<Float32Array> {
  return headProbabilities(tf, trained.model, prepareFeatures(features, data.dim), data.dim);
}

async function testF1(tf: Tf, data: Data, trained: TrainedModel): Promise<number> {
  const probabilities = await probabilitiesOf(tf, data, trained, data.testFeatures);
  const predicted = applyThresholds(probabilities, trained.thresholds ?? []);
  return macroF1(data.testTargets, predicted, data.classCount);
}

/** Higher means more worth asking about. */
function uncertaintyScores(
  probabilities: Float32Array,
  thresholds: readonly number[],
  strategy: SamplingStrategy,
): Float32Array {
  const labelCount = thresholds.length;
  const rows = probabilities.length / labelCount;
  const scores = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    let best = strategy === 'entropy' ? 0 : -Infinity;
    for (let label = 0; label < labelCount; label++) {
      const p = probabilities[row * labelCount + label];
      // entropy: the product's labeler uncertainty; margin: closeness to the label's own
      // threshold, which follows the tuned decision rather than 0.5.
      const score =
        strategy === 'entropy' ? binaryEntropyBits(p) : -Math.abs(p - thresholds[label]);
      if (score > best) best = score;
    }
    scores[row] = best;
  }
  return scores;
}

async function nextBatch(
  tf: Tf,
  data: Data,
  trained: TrainedModel,
  unlabeled: number[],
  input: SimulationInput,
  random: Random,
): Promise<number[]> {
  const size = Math.min(input.batch, unlabeled.length);
  const randomCount = Math.round(size * input.randomShare);
  const randomPicks = shuffleInPlace([...unlabeled], random).slice(0, randomCount);
  const rest = unlabeled.filter((row) => !randomPicks.includes(row));

  const features = stackRows(
    rest.map((row) => data.vectors[row]),
    data.dim,
  );
  const probabilities = await probabilitiesOf(tf, data, trained, features);
  const scores = uncertaintyScores(probabilities, trained.thresholds ?? [], input.strategy);
  const ranked = rest.map((row, index) => ({ row, score: scores[index] }));
  ranked.sort((a, b) => b.score - a.score);
  return [...randomPicks, ...ranked.slice(0, size - randomCount).map((entry) => entry.row)];
}

function initialRows(pool: number[], data: Data, perClass: number, random: Random): number[] {
  const shuffled = shuffleInPlace([...pool], random);
  return Array.from({ length: data.classCount }, (_, c) =>
    shuffled.filter((row) => data.classOf[row] === c).slice(0, perClass),
  ).flat();
}

function firstReaching(curve: CurvePoint[], key: 'uncertaintyF1' | 'randomF1', target: number) {
  return curve.find((point) => point[key] >= target)?.labels ?? null;
}

export async function simulateActiveLearning(
  tf: Tf,
  input: SimulationInput,
): Promise<SimulationResult> {
  const dim = input.vectors[0]?.length ?? 0;
  const split = stratifiedSplit(
    input.classOf.map((c) => String(c)),
    { validationFraction: input.testFraction ?? 0.2, seed: input.seed },
  );
  const pool = split.train;
  const data: Data = {
    dim,
    classCount: input.classCount,
    vectors: input.vectors,
    classOf: input.classOf,
    testFeatures: stackRows(
      split.validation.map((row) => input.vectors[row]),
      dim,
    ),
    testTargets: oneHot(
      split.validation.map((row) => input.classOf[row]),
      input.classCount,
    ),
    seed: input.seed,
    epochs: input.epochs ?? 60,
    learningRate: input.learningRate,
  };

  const full = await trainLabeler(tf, data, pool);
  const fullF1 = await testF1(tf, data, full);
  full.model.dispose();
  const targetF1 = (input.targetShare ?? 0.95) * fullF1;

  const random = createRandom(input.seed + 1);
  const start = initialRows(pool, data, input.initialPerClass, random);
  const labelled = { uncertainty: [...start], random: [...start] };
  const maxLabels = Math.min(pool.length, input.maxLabels ?? pool.length);
  const curve: CurvePoint[] = [];

  for (;;) {
    const uncertaintyModel = await trainLabeler(tf, data, labelled.uncertainty);
    const randomModel = await trainLabeler(tf, data, labelled.random);
    const point = {
      labels: labelled.uncertainty.length,
      uncertaintyF1: await testF1(tf, data, uncertaintyModel),
      randomF1: await testF1(tf, data, randomModel),
    };
    curve.push(point);
    input.onPoint?.(point);

    const done =
      labelled.uncertainty.length >= maxLabels ||
      (firstReaching(curve, 'uncertaintyF1', targetF1) !== null &&
        firstReaching(curve, 'randomF1', targetF1) !== null);
    if (!done) {
      const taken = new Set(labelled.uncertainty);
      const unlabeled = pool.filter((row) => !taken.has(row));
      labelled.uncertainty.push(
        ...(await nextBatch(tf, data, uncertaintyModel, unlabeled, input, random)),
      );
      const takenAtRandom = new Set(labelled.random);
      const notYet = shuffleInPlace(
        pool.filter((row) => !takenAtRandom.has(row)),
        random,
      );
      labelled.random.push(...notYet.slice(0, Math.min(input.batch, notYet.length)));
    }
    uncertaintyModel.model.dispose();
    randomModel.model.dispose();
    if (done) break;
  }

  return {
    fullF1,
    targetF1,
    poolCount: pool.length,
    testCount: split.validation.length,
    labelsToTarget: {
      uncertainty: firstReaching(curve, 'uncertaintyF1', targetF1),
      random: firstReaching(curve, 'randomF1', targetF1),
    },
    curve,
  };
}
