import { z } from 'zod';
import { reliabilityBins, type ReliabilityBin } from '@/lib/ml/metrics';

/**
 * What the comparison page shows about the active classifier and labeler, computed from plain
 * rows (predictions, current annotations, stored validation metrics) so that it can be tested
 * without a database and reused in the browser (the live no-label count behind the threshold
 * slider). No Node or database imports here.
 */

/** A classifier answer this confident counts as "sure" in the abstention comparison. */
export const CONFIDENT_PROBABILITY = 0.9;
export const HISTOGRAM_BINS = 10;

export interface ComparedPrediction {
  itemId: number;
  probabilities: number[];
  predictedLabelIds: number[];
  topLabelId: number | null;
  topProbability: number;
  novelty: number | null;
  isNovel: boolean;
  noLabel: boolean;
}

export interface ComparedModel {
  id: number;
  kind: 'classifier' | 'labeler';
  labelIds: number[];
  thresholds: number[] | null;
  metrics: Record<string, unknown> | null;
  predictions: ComparedPrediction[];
}

export interface ComparedAnnotation {
  itemId: number;
  kind: 'labels' | 'none';
  labelIds: number[];
}

const prPointSchema = z.object({
  threshold: z.number(),
  precision: z.number(),
  recall: z.number(),
});
export type PrPoint = z.infer<typeof prPointSchema>;

/** The validation metrics lib/ml stores with a model; anything missing reads as null. */
const storedMetricsSchema = z.object({
  macroF1: z.number().nullable().catch(null),
  microF1: z.number().nullable().catch(null),
  accuracy: z.number().nullable().catch(null),
  ece: z.number().nullable().catch(null),
  brier: z.number().nullable().catch(null),
  noLabelShare: z.number().nullable().catch(null),
  count: z.number().nullable().catch(null),
  perLabel: z
    .array(
      z.object({ precision: z.number(), recall: z.number(), f1: z.number(), support: z.number() }),
    )
    .catch([]),
  prCurves: z.array(z.array(prPointSchema)).catch([]),
});
export type StoredMetrics = z.infer<typeof storedMetricsSchema>;

export function readStoredMetrics(metrics: Record<string, unknown> | null): StoredMetrics {
  return storedMetricsSchema.parse(metrics ?? {});
}

export interface Spread {
  count: number;
  min: number | null;
  median: number | null;
  max: number | null;
  /** Counts per bin of width 1 / HISTOGRAM_BINS over [0, 1]. */
  histogram: number[];
}

export function spreadOf(values: readonly number[]): Spread {
  const histogram = new Array<number>(HISTOGRAM_BINS).fill(0);
  for (const value of values) {
    histogram[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(value * HISTOGRAM_BINS)))]++;
  }
  if (values.length === 0) return { count: 0, min: null, median: null, max: null, histogram };

  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return {
    count: sorted.length,
    min: sorted[0],
    median,
    max: sorted[sorted.length - 1],
    histogram,
  };
}

/** The spread of each item's highest probability, for annotated and for unannotated items. */
export function maxProbabilitySpread(
  model: ComparedModel,
  annotatedIds: ReadonlySet<number>,
): { annotated: Spread; unannotated: Spread } {
  const annotated: number[] = [];
  const unannotated: number[] = [];
  for (const prediction of model.predictions) {
    (annotatedIds.has(prediction.itemId) ? annotated : unannotated).push(prediction.topProbability);
  }
  return { annotated: spreadOf(annotated), unannotated: spreadOf(unannotated) };
}

/** Items a labeler would leave without a label at these thresholds (output order). */
export function countNoLabel(
  probabilities: readonly (readonly number[])[],
  thresholds: readonly number[],
): number {
  let none = 0;
  for (const row of probabilities) {
    if (row.every((probability, label) => probability < (thresholds[label] ?? 0.5))) none++;
  }
  return none;
}

export interface Abstentions {
  labelerNoLabel: number;
  labelerNovel: number;
  /** Items with no label or a novelty flag (or both). */
  labelerAbstains: number;
  /** Of those, items the classifier labels with more than CONFIDENT_PROBABILITY. */
  classifierConfidentOnThose: number;
}

export function abstentions(classifier: ComparedModel, labeler: ComparedModel): Abstentions {
  const classifierTop = new Map(classifier.predictions.map((p) => [p.itemId, p.topProbability]));
  let labelerNoLabel = 0;
  let labelerNovel = 0;
  let labelerAbstains = 0;
  let classifierConfidentOnThose = 0;

  for (const prediction of labeler.predictions) {
    if (prediction.noLabel) labelerNoLabel++;
    if (prediction.isNovel) labelerNovel++;
    if (!prediction.noLabel && !prediction.isNovel) continue;
    labelerAbstains++;
    if ((classifierTop.get(prediction.itemId) ?? 0) > CONFIDENT_PROBABILITY) {
      classifierConfidentOnThose++;
    }
  }
  return { labelerNoLabel, labelerNovel, labelerAbstains, classifierConfidentOnThose };
}

/**
 * Reliability bins on annotated items. Classifier: the top probability against whether the top
 * label is the annotated one (single-label annotations only). Labeler: every (item, label)
 * probability against whether the item carries that label ("none of these" items carry none).
 * Annotated items include the training items, so the diagram is optimistic; the validation ECE
 * in the metrics table is the honest number.
 */
export function reliabilityOn(
  model: ComparedModel,
  annotations: readonly ComparedAnnotation[],
): ReliabilityBin[] {
  const byItem = new Map(annotations.map((annotation) => [annotation.itemId, annotation]));
  const confidences: number[] = [];
  const correct: number[] = [];

  for (const prediction of model.predictions) {
    const annotation = byItem.get(prediction.itemId);
    if (!annotation) continue;
    if (model.kind === 'classifier') {
      if (annotation.kind !== 'labels' || annotation.labelIds.length !== 1) continue;
      confidences.push(prediction.topProbability);
      correct.push(prediction.topLabelId === annotation.labelIds[0] ? 1 : 0);
    } else {
      model.labelIds.forEach((labelId, index) => {
        confidences.push(prediction.probabilities[index] ?? 0);
        correct.push(annotation.labelIds.includes(labelId) ? 1 : 0);
      });
    }
  }
  return reliabilityBins(confidences, correct);
}

export interface ProbeRow {
  itemId: number;
  classifierTopLabelId: number | null;
  classifierConfidence: number | null;
  labelerLabelIds: number[];
  labelerNovelty: number | null;
  labelerNovel: boolean;
}

export interface ProbeSet {
  rows: ProbeRow[];
  /** Items the classifier names with more than CONFIDENT_PROBABILITY. */
  classifierConfident: number;
  /** Items the labeler gives no label or flags as novel: the right answer for these items. */
  labelerAbstains: number;
}

/** How each model treats the items curators marked "none of these". */
export function probeSet(
  classifier: ComparedModel,
  labeler: ComparedModel,
  annotations: readonly ComparedAnnotation[],
): ProbeSet {
  const classifierBy = new Map(classifier.predictions.map((p) => [p.itemId, p]));
  const labelerBy = new Map(labeler.predictions.map((p) => [p.itemId, p]));
  const rows = annotations
    .filter((annotation) => annotation.kind === 'none')
    .map((annotation): ProbeRow => {
      const c = classifierBy.get(annotation.itemId);
      const l = labelerBy.get(annotation.itemId);
      return {
        itemId: annotation.itemId,
        classifierTopLabelId: c?.topLabelId ?? null,
        classifierConfidence: c?.topProbability ?? null,
        labelerLabelIds: l?.predictedLabelIds ?? [],
        labelerNovelty: l?.novelty ?? null,
        labelerNovel: l?.isNovel ?? false,
      };
    });
  return {
    rows,
    classifierConfident: rows.filter(
      (row) => (row.classifierConfidence ?? 0) > CONFIDENT_PROBABILITY,
    ).length,
    labelerAbstains: rows.filter((row) => row.labelerLabelIds.length === 0 || row.labelerNovel)
      .length,
  };
}

export interface Comparison {
  metrics: { classifier: StoredMetrics; labeler: StoredMetrics };
  spread: {
    classifier: ReturnType<typeof maxProbabilitySpread>;
    labeler: ReturnType<typeof maxProbabilitySpread>;
  };
  abstentions: Abstentions;
  reliability: { classifier: ReliabilityBin[]; labeler: ReliabilityBin[] };
  probe: ProbeSet;
}

export function compareModels(
  classifier: ComparedModel,
  labeler: ComparedModel,
  annotations: readonly ComparedAnnotation[],
): Comparison {
  const annotatedIds = new Set(annotations.map((annotation) => annotation.itemId));
  return {
    metrics: {
      classifier: readStoredMetrics(classifier.metrics),
      labeler: readStoredMetrics(labeler.metrics),
    },
    spread: {
      classifier: maxProbabilitySpread(classifier, annotatedIds),
      labeler: maxProbabilitySpread(labeler, annotatedIds),
    },
    abstentions: abstentions(classifier, labeler),
    reliability: {
      classifier: reliabilityOn(classifier, annotations),
      labeler: reliabilityOn(labeler, annotations),
    },
    probe: probeSet(classifier, labeler, annotations),
  };
}
