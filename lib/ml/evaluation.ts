import type { Tf } from './backend';
import { macroF1, percentile } from './metrics';
import { createRandom, shuffleInPlace } from './random';
import { scoreEmbeddings, type ScoreResult } from './scoring';
import { stratifiedSplit } from './split';
import { trainModel, type TrainedModel, type TrainOptionsInput } from './train-model';
import { buildTrainingSet } from './training-set';

/**
 * The offline evaluation behind `npm run eval`: a folder-per-label dataset plus a folder of
 * out-of-domain (OOD) images, five ways of deciding, one row each.
 *
 * - classifier: softmax argmax; it always names a label.
 * - labeler: sigmoid with F1-tuned thresholds, trained without "none" examples.
 * - labelerWithNone: the same, with `oodTrain` OOD images annotated "none of these".
 * - novelty: the classifier, but items flagged novel get no label (no "none" examples).
 * - default, what Curio does for a collection: the labeler trained with the collection's "none"
 *   annotations (here the `oodTrain` images), and an item gets no label when the labeler assigns
 *   none OR the novelty score flags it.
 *
 * The held-out OOD images are the same for every row; the `oodTrain` ones are never tested.
 */

export interface EvalInput {
  classNames: string[];
  /** In-domain embeddings and their class index. */
  inDomain: { vector: Float32Array; classIndex: number }[];
  ood: Float32Array[];
  oodTrain: number;
  seed: number;
  testFraction: number;
  options?: TrainOptionsInput;
}

export interface EvalRow {
  macroF1: number;
  /** Share of held-out OOD images given no label. */
  noLabelShare: number;
  /** Share of in-domain test images given no label. */
  inDomainNoLabelShare: number;
  /** Top probability of the head on held-out OOD images. */
  ood: { min: number; median: number; max: number };
}

export interface EvalReport {
  classifier: EvalRow;
  labeler: EvalRow;
  labelerWithNone: EvalRow;
  novelty: EvalRow;
  default: EvalRow;
  trainCount: number;
  testCount: number;
  oodTestCount: number;
  noveltyMethod: string;
  noveltyThreshold: number | null;
  /** Novelty scores of the held-out OOD images, to see how far above the threshold they lie. */
  oodNovelty: { min: number; median: number; max: number } | null;
}

interface Scored {
  test: ScoreResult;
  ood: ScoreResult;
}

function stack(vectors: Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(vectors.length * dim);
  vectors.forEach((vector, index) => out.set(vector, index * dim));
  return out;
}

async function scoreBoth(tf: Tf, trained: TrainedModel, test: Float32Array, ood: Float32Array) {
  const scoring = {
    kind: trained.kind,
    model: trained.model,
    inputDim: trained.inputDim,
    labelCount: trained.labelCount,
    thresholds: trained.thresholds,
    novelty: trained.novelty,
  };
  const scored: Scored = {
    test: await scoreEmbeddings(tf, scoring, test),
    ood: await scoreEmbeddings(tf, scoring, ood),
  };
  trained.model.dispose();
  return scored;
}

function row(
  scored: Scored,
  targets: Float32Array,
  labelCount: number,
  useNovelty: boolean,
): EvalRow {
  const gets = (result: ScoreResult, index: number) =>
    result.noLabel[index] === 1 || (useNovelty && result.isNovel[index] === 1);
  const predicted = Float32Array.from(scored.test.predicted);
  for (let index = 0; index < scored.test.count; index++) {
    if (gets(scored.test, index)) predicted.fill(0, index * labelCount, (index + 1) * labelCount);
  }
  const share = (result: ScoreResult) => {
    let count = 0;
    for (let index = 0; index < result.count; index++) if (gets(result, index)) count++;
    return result.count === 0 ? 0 : count / result.count;
  };
  const top = scored.ood.topProbability;

  return {
    macroF1: macroF1(targets, predicted, labelCount),
    noLabelShare: share(scored.ood),
    inDomainNoLabelShare: share(scored.test),
    ood: {
      min: top.length ? Math.min(...top) : Number.NaN,
      median: percentile(top, 50),
      max: top.length ? Math.max(...top) : Number.NaN,
    },
  };
}

function spread(values: Float32Array | null) {
  if (!values || values.length === 0) return null;
  return { min: Math.min(...values), median: percentile(values, 50), max: Math.max(...values) };
}

export async function runEvaluation(tf: Tf, input: EvalInput): Promise<EvalReport> {
  const labelCount = input.classNames.length;
  const dim = input.inDomain[0]?.vector.length ?? 0;
  const split = stratifiedSplit(
    input.inDomain.map((item) => String(item.classIndex)),
    { validationFraction: input.testFraction, seed: input.seed },
  );
  const oodOrder = shuffleInPlace(
    input.ood.map((_, index) => index),
    createRandom(input.seed + 1),
  );
  const oodTrain = oodOrder.slice(0, input.oodTrain);
  const oodHeld = oodOrder.slice(input.oodTrain);

  // Item ids: in-domain items are their index, OOD items follow them.
  const embeddings = new Map<number, Float32Array>();
  input.inDomain.forEach((item, index) => embeddings.set(index, item.vector));
  input.ood.forEach((vector, index) => embeddings.set(input.inDomain.length + index, vector));
  const labelled = split.train.map((index) => ({
    itemId: index,
    kind: 'labels' as const,
    labelIds: [input.inDomain[index].classIndex],
  }));
  const none = oodTrain.map((index) => ({
    itemId: input.inDomain.length + index,
    kind: 'none' as const,
    labelIds: [],
  }));
  const labelIds = input.classNames.map((_, index) => index);

  const testRows = stack(
    split.validation.map((index) => input.inDomain[index].vector),
    dim,
  );
  const oodRows = stack(
    oodHeld.map((index) => input.ood[index]),
    dim,
  );
  const targets = new Float32Array(split.validation.length * labelCount);
  split.validation.forEach(
    (index, row) => (targets[row * labelCount + input.inDomain[index].classIndex] = 1),
  );

  const train = async (kind: 'classifier' | 'labeler', withNone: boolean) => {
    const set = buildTrainingSet({
      kind,
      labelIds,
      annotations: withNone ? [...labelled, ...none] : labelled,
      embeddings,
    });
    const trained = await trainModel(tf, { set, options: { ...input.options, seed: input.seed } });
    return { trained, scored: await scoreBoth(tf, trained, testRows, oodRows) };
  };

  const classifier = await train('classifier', false);
  const labeler = await train('labeler', false);
  const labelerWithNone = await train('labeler', true);

  return {
    classifier: row(classifier.scored, targets, labelCount, false),
    labeler: row(labeler.scored, targets, labelCount, false),
    labelerWithNone: row(labelerWithNone.scored, targets, labelCount, false),
    novelty: row(classifier.scored, targets, labelCount, true),
    default: row(labelerWithNone.scored, targets, labelCount, true),
    trainCount: split.train.length,
    testCount: split.validation.length,
    oodTestCount: oodHeld.length,
    noveltyMethod: labelerWithNone.trained.novelty?.method ?? 'off',
    noveltyThreshold: labelerWithNone.trained.novelty?.threshold ?? null,
    oodNovelty: spread(labelerWithNone.scored.ood.novelty),
  };
}
