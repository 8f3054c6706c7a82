import { z } from 'zod';
import { column, prCurve, type PrPoint } from './metrics';

/**
 * Per-label decision thresholds of a labeler, tuned on validation items. A label is predicted
 * when its probability is >= its threshold.
 */

export const thresholdPolicySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('f1') }),
  z.object({ mode: z.literal('precision'), target: z.number().min(0).max(1) }),
]);
export type ThresholdPolicy = z.infer<typeof thresholdPolicySchema>;

export const DEFAULT_THRESHOLD = 0.5;

export interface TunedThreshold {
  threshold: number;
  /** Validation precision, recall and F1 at that threshold; null without validation positives. */
  precision: number | null;
  recall: number | null;
  f1: number | null;
  /** False when a precision target could not be reached and the most precise point was used. */
  reachedTarget: boolean;
}

function f1OfPoint(point: PrPoint): number {
  const sum = point.precision + point.recall;
  return sum === 0 ? 0 : (2 * point.precision * point.recall) / sum;
}

/**
 * The cut between the chosen score and the next lower one: a threshold equal to a validation
 * score would sit exactly on a training-like item, the midpoint leaves margin on both sides.
 */
function cutBelow(points: PrPoint[], index: number): number {
  const next = points[index + 1];
  return next ? (points[index].threshold + next.threshold) / 2 : points[index].threshold / 2;
}

function pickIndex(
  points: PrPoint[],
  policy: ThresholdPolicy,
): { index: number; reached: boolean } {
  if (policy.mode === 'f1') {
    let best = 0;
    points.forEach((point, index) => {
      if (f1OfPoint(point) > f1OfPoint(points[best])) best = index;
    });
    return { index: best, reached: true };
  }

  // Points run from the highest threshold down, so the last one meeting the target is the lowest.
  let lowest = -1;
  points.forEach((point, index) => {
    if (point.precision >= policy.target) lowest = index;
  });
  if (lowest >= 0) return { index: lowest, reached: true };

  let mostPrecise = 0;
  points.forEach((point, index) => {
    if (point.precision > points[mostPrecise].precision) mostPrecise = index;
  });
  return { index: mostPrecise, reached: false };
}

/** Tunes one label from its validation scores and 0/1 targets. */
export function tuneThreshold(
  scores: ArrayLike<number>,
  targets: ArrayLike<number>,
  policy: ThresholdPolicy = { mode: 'f1' },
): TunedThreshold {
  const hasPositive = Array.from(targets).some((target) => target > 0.5);
  if (!hasPositive || scores.length === 0) {
    return {
      threshold: DEFAULT_THRESHOLD,
      precision: null,
      recall: null,
      f1: null,
      reachedTarget: false,
    };
  }

  const points = prCurve(scores, targets);
  const { index, reached } = pickIndex(points, policy);
  const point = points[index];
  return {
    threshold: cutBelow(points, index),
    precision: point.precision,
    recall: point.recall,
    f1: f1OfPoint(point),
    reachedTarget: reached,
  };
}

/** Tunes every label of a row-major (items × labels) probability matrix. */
export function tuneThresholds(
  probabilities: ArrayLike<number>,
  targets: ArrayLike<number>,
  labelCount: number,
  policy: ThresholdPolicy = { mode: 'f1' },
): TunedThreshold[] {
  return Array.from({ length: labelCount }, (_, label) =>
    tuneThreshold(
      column(probabilities, labelCount, label),
      column(targets, labelCount, label),
      policy,
    ),
  );
}

/** Applies per-label thresholds: 1 where probability >= threshold. */
export function applyThresholds(
  probabilities: ArrayLike<number>,
  thresholds: readonly number[],
): Float32Array {
  const labelCount = thresholds.length;
  const out = new Float32Array(probabilities.length);
  for (let i = 0; i < probabilities.length; i++) {
    out[i] = probabilities[i] >= thresholds[i % labelCount] ? 1 : 0;
  }
  return out;
}

/** Thresholds with the caller's overrides (by output index) laid over the tuned ones. */
export function withOverrides(
  tuned: readonly number[],
  overrides: Readonly<Record<number, number>> = {},
): number[] {
  return tuned.map((threshold, index) => overrides[index] ?? threshold);
}

/** Steps by which `capNoLabelShare` scales thresholds down, from none to 95% lower. */
const SCALE_STEPS = Array.from({ length: 20 }, (_, step) => 1 - step * 0.05);

/**
 * Scales every threshold down by one common factor until at most `budget` of the labelled
 * validation items (rows with at least one target) get no label. F1-tuned thresholds on a hard
 * task can be so high that many in-domain items pass none; a common factor keeps the labels'
 * relative strictness. Rows annotated "none" do not count towards the budget. Returns the factor
 * and the scaled thresholds.
 */
export function capNoLabelShare(
  probabilities: ArrayLike<number>,
  targets: ArrayLike<number>,
  thresholds: readonly number[],
  budget: number,
): { scale: number; thresholds: number[] } {
  const labelCount = thresholds.length;
  const rows = probabilities.length / labelCount;
  const labelled: number[] = [];
  for (let row = 0; row < rows; row++) {
    for (let label = 0; label < labelCount; label++) {
      if (targets[row * labelCount + label] > 0.5) {
        labelled.push(row);
        break;
      }
    }
  }

  const shareWithoutLabel = (scaled: number[]) => {
    const empty = labelled.filter((row) =>
      scaled.every((threshold, label) => probabilities[row * labelCount + label] < threshold),
    ).length;
    return labelled.length === 0 ? 0 : empty / labelled.length;
  };

  for (const scale of SCALE_STEPS) {
    const scaled = thresholds.map((threshold) => threshold * scale);
    if (shareWithoutLabel(scaled) <= budget) return { scale, thresholds: scaled };
  }
  const lowest = SCALE_STEPS[SCALE_STEPS.length - 1];
  return { scale: lowest, thresholds: thresholds.map((threshold) => threshold * lowest) };
}
