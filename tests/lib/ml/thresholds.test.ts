import { describe, expect, it } from 'vitest';
import {
  applyThresholds,
  capNoLabelShare,
  tuneThreshold,
  tuneThresholds,
  withOverrides,
} from '@/lib/ml/thresholds';

// F1 at each cut: 0.9 → 0.5, 0.8 → 0.8, 0.7 → 0.667, 0.6 → 0.857, 0.3 → 0.75, 0.2 → 0.667.
const scores = [0.9, 0.8, 0.7, 0.6, 0.3, 0.2];
const targets = [1, 1, 0, 1, 0, 0];

describe('thresholds', () => {
  it('puts the F1-maximising threshold halfway below the best cut', () => {
    const tuned = tuneThreshold(scores, targets);

    expect(tuned.threshold).toBeCloseTo(0.45);
    expect(tuned.f1).toBeCloseTo(6 / 7);
    expect(tuned.precision).toBeCloseTo(0.75);
    expect(tuned.recall).toBe(1);
  });

  it('takes the lowest threshold that reaches a precision target', () => {
    const tuned = tuneThreshold(scores, targets, { mode: 'precision', target: 1 });

    expect(tuned.threshold).toBeCloseTo(0.75);
    expect(tuned.reachedTarget).toBe(true);
  });

  it('falls back to 0.5 for a label without validation positives', () => {
    expect(tuneThreshold([0.2, 0.7], [0, 0]).threshold).toBe(0.5);
  });

  it('tunes each column of a probability matrix and applies overrides on top', () => {
    const probabilities = scores.flatMap((score) => [score, 1 - score]);
    const columnTargets = targets.flatMap((target) => [target, 1 - target]);
    const tuned = tuneThresholds(probabilities, columnTargets, 2).map((t) => t.threshold);

    expect(tuned[0]).toBeCloseTo(0.45);
    expect(withOverrides(tuned, { 1: 0.9 })).toEqual([tuned[0], 0.9]);
    expect(Array.from(applyThresholds([0.5, 0.95, 0.4, 0.2], [0.45, 0.9]))).toEqual([1, 1, 0, 0]);
  });
});

describe('capNoLabelShare', () => {
  // Three labelled items and one "none" item (all-zero target), two labels.
  const probabilities = [0.9, 0.1, 0.3, 0.2, 0.1, 0.35, 0.05, 0.05];
  const targets = [1, 0, 1, 0, 0, 1, 0, 0];

  it('scales thresholds down together until labelled items get a label', () => {
    // At 0.8/0.8 two of three labelled items get nothing; only from 0.28 (scale 0.35) down does
    // the weakest one, [0.3, 0.2], pass a threshold.
    const capped = capNoLabelShare(probabilities, targets, [0.8, 0.8], 0);

    expect(capped.scale).toBeCloseTo(0.35);
    expect(capped.thresholds[0]).toBeCloseTo(0.28);
  });

  it('keeps the tuned thresholds when the budget already holds', () => {
    expect(capNoLabelShare(probabilities, targets, [0.8, 0.8], 0.7)).toEqual({
      scale: 1,
      thresholds: [0.8, 0.8],
    });
  });
});
