import type * as tfjs from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ModelKind } from '@/db/schema';
import type { Tf } from './backend';
import { prepareFeatures, unitRows } from './features';
import { buildHeadModel, headProbabilities } from './heads';
import {
  argmaxRows,
  brierScore,
  column,
  confusionMatrix,
  expectedCalibrationError,
  macroF1,
  microF1,
  oneHot,
  perLabelScores,
  prCurve,
  reliabilityBins,
  type PrPoint,
} from './metrics';
import { fitNovelty, noveltyOptionsSchema, type NoveltyModel } from './novelty';
import { stratifiedSplit } from './split';
import {
  applyThresholds,
  capNoLabelShare,
  thresholdPolicySchema,
  tuneThresholds,
} from './thresholds';
import { headOptionsSchema, trainHead, type EpochReport } from './training-loop';
import { takeRows, type TrainingSet } from './training-set';

/**
 * From a training set to a ready model: split, train the head, tune the labeler's thresholds,
 * measure it on the validation items and fit the novelty model. Shared by collection training
 * and the evaluation CLI so that both measure the same thing.
 */

export const trainOptionsSchema = z.object({
  head: headOptionsSchema.default(headOptionsSchema.parse({})),
  validationFraction: z.number().min(0).max(0.9).default(0.2),
  seed: z.number().int().default(42),
  thresholdPolicy: thresholdPolicySchema.default({ mode: 'f1' }),
  /**
   * Labeler: at most this share of labelled validation items may get no label; thresholds are
   * scaled down together until it holds. null keeps the tuned thresholds as they are.
   */
  noLabelBudget: z.number().min(0).max(1).nullable().default(0.05),
  /** null turns novelty off. */
  novelty: noveltyOptionsSchema.nullable().default(noveltyOptionsSchema.parse({})),
});
export type TrainOptions = z.infer<typeof trainOptionsSchema>;
export type TrainOptionsInput = z.input<typeof trainOptionsSchema>;

/** Points kept per PR curve in the metrics: enough to draw it, small enough for a card. */
const MAX_PR_POINTS = 50;

export interface ValidationMetrics {
  count: number;
  macroF1: number | null;
  microF1: number | null;
  accuracy: number | null;
  perLabel: { precision: number; recall: number; f1: number; support: number }[];
  prCurves: PrPoint[][];
  confusion: number[][] | null;
  ece: number | null;
  brier: number | null;
  /** Labeler: share of validation items given no label (those annotated "none" included). */
  noLabelShare: number | null;
}

export interface TrainedModel {
  kind: ModelKind;
  model: tfjs.LayersModel;
  inputDim: number;
  hiddenUnits: number;
  labelCount: number;
  thresholds: number[] | null;
  novelty: NoveltyModel | null;
  metrics: ValidationMetrics;
  trainCount: number;
  validationCount: number;
  epochsRun: number;
  bestEpoch: number;
  options: TrainOptions;
}

export interface TrainModelInput {
  set: TrainingSet;
  options?: TrainOptionsInput;
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
}

function thinned(points: PrPoint[]): PrPoint[] {
  if (points.length <= MAX_PR_POINTS) return points;
  const step = points.length / MAX_PR_POINTS;
  return Array.from({ length: MAX_PR_POINTS }, (_, i) => points[Math.floor(i * step)]);
}

/** Validation metrics of a head's probabilities, with the decisions the model will make. */
export function measure(
  kind: ModelKind,
  probabilities: Float32Array,
  targets: Float32Array,
  labelCount: number,
  thresholds: number[] | null,
): ValidationMetrics {
  const count = targets.length / labelCount;
  if (count === 0) {
    return {
      count,
      macroF1: null,
      microF1: null,
      accuracy: null,
      perLabel: [],
      prCurves: [],
      confusion: null,
      ece: null,
      brier: null,
      noLabelShare: null,
    };
  }

  const predicted =
    kind === 'classifier'
      ? oneHot(argmaxRows(probabilities, labelCount), labelCount)
      : applyThresholds(probabilities, thresholds ?? new Array<number>(labelCount).fill(0.5));
  const truthClass = argmaxRows(targets, labelCount);
  const predictedClass = argmaxRows(probabilities, labelCount);
  const confidences =
    kind === 'classifier'
      ? Array.from(predictedClass, (label, row) => probabilities[row * labelCount + label])
      : Array.from(probabilities);
  const correct =
    kind === 'classifier'
      ? Array.from(predictedClass, (label, row) => (label === truthClass[row] ? 1 : 0))
      : Array.from(targets);
  let exact = 0;
  let noLabel = 0;
  for (let row = 0; row < count; row++) {
    const slice = (a: Float32Array) => a.subarray(row * labelCount, (row + 1) * labelCount);
    if (slice(predicted).every((value, label) => value === slice(targets)[label])) exact++;
    if (slice(predicted).every((value) => value === 0)) noLabel++;
  }

  return {
    count,
    macroF1: macroF1(targets, predicted, labelCount),
    microF1: microF1(targets, predicted),
    accuracy: exact / count,
    perLabel: perLabelScores(targets, predicted, labelCount),
    prCurves: Array.from({ length: labelCount }, (_, label) =>
      thinned(
        prCurve(column(probabilities, labelCount, label), column(targets, labelCount, label)),
      ),
    ),
    confusion:
      kind === 'classifier' ? confusionMatrix(truthClass, predictedClass, labelCount) : null,
    ece: expectedCalibrationError(reliabilityBins(confidences, correct)),
    brier: brierScore(probabilities, targets, labelCount),
    noLabelShare: kind === 'labeler' ? noLabel / count : null,
  };
}

/** Unit rows and label lists of the rows that carry at least one label (the novelty reference). */
function labelledRows(set: TrainingSet, rows: number[]) {
  const labelCount = set.labelIds.length;
  const kept = rows.filter((row) =>
    set.targets.subarray(row * labelCount, (row + 1) * labelCount).some((value) => value > 0),
  );
  const labels = kept.map((row) =>
    Array.from(set.targets.subarray(row * labelCount, (row + 1) * labelCount)).flatMap(
      (value, label) => (value > 0 ? [label] : []),
    ),
  );
  return { rows: unitRows(takeRows(set.features, set.dim, kept), set.dim), labels };
}

export async function trainModel(tf: Tf, input: TrainModelInput): Promise<TrainedModel> {
  const options = trainOptionsSchema.parse(input.options ?? {});
  const { set } = input;
  const labelCount = set.labelIds.length;
  if (set.itemIds.length === 0) throw new Error('There are no annotated items to train on.');

  const split = stratifiedSplit(set.strata, {
    validationFraction: options.validationFraction,
    seed: options.seed,
  });
  const prepared = prepareFeatures(set.features, set.dim);
  const part = (rows: number[]) => ({
    features: takeRows(prepared, set.dim, rows),
    targets: takeRows(set.targets, labelCount, rows),
  });
  const train = part(split.train);
  const validation = part(split.validation);

  const trained = await trainHead(tf, {
    kind: set.kind,
    inputDim: set.dim,
    labelCount,
    train,
    validation,
    options: { ...options.head, seed: options.seed },
    onEpoch: input.onEpoch,
    signal: input.signal,
  });
  const model = buildHeadModel(tf, trained.weights);

  try {
    const probabilities = await headProbabilities(tf, model, validation.features, set.dim);
    const thresholds =
      set.kind === 'labeler'
        ? labelerThresholds(probabilities, validation.targets, labelCount, options)
        : null;
    const metrics = measure(set.kind, probabilities, validation.targets, labelCount, thresholds);

    input.signal?.throwIfAborted();
    const novelty = options.novelty
      ? await fitNoveltyFor(tf, set, split.train, split.validation, options)
      : null;

    return {
      kind: set.kind,
      model,
      inputDim: set.dim,
      hiddenUnits: options.head.hiddenUnits,
      labelCount,
      thresholds,
      novelty,
      metrics,
      trainCount: split.train.length,
      validationCount: split.validation.length,
      epochsRun: trained.epochsRun,
      bestEpoch: trained.bestEpoch,
      options,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function labelerThresholds(
  probabilities: Float32Array,
  targets: Float32Array,
  labelCount: number,
  options: TrainOptions,
): number[] {
  const tuned = tuneThresholds(probabilities, targets, labelCount, options.thresholdPolicy).map(
    (result) => result.threshold,
  );
  if (options.noLabelBudget === null) return tuned;
  return capNoLabelShare(probabilities, targets, tuned, options.noLabelBudget).thresholds;
}

function fitNoveltyFor(
  tf: Tf,
  set: TrainingSet,
  trainRows: number[],
  validationRows: number[],
  options: TrainOptions,
): Promise<NoveltyModel> {
  const train = labelledRows(set, trainRows);
  const validation = labelledRows(set, validationRows);
  return fitNovelty(tf, {
    dim: set.dim,
    train: train.rows,
    trainLabels: train.labels,
    validation: validation.rows,
    validationLabels: validation.labels,
    options: options.novelty ?? undefined,
  });
}
