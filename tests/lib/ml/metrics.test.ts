import { describe, expect, it } from 'vitest';
import {
  accuracy,
  brierScore,
  confusionMatrix,
  expectedCalibrationError,
  macroF1,
  microF1,
  percentile,
  perLabelScores,
  prCurve,
  reliabilityBins,
} from '@/lib/ml/metrics';

describe('metrics', () => {
  // Three items, two labels: truth {0}, {0,1}, {1}; predicted {0}, {1}, {0,1}.
  const targets = [1, 0, 1, 1, 0, 1];
  const predicted = [1, 0, 0, 1, 1, 1];

  it('counts per-label precision, recall and F1', () => {
    const [first, second] = perLabelScores(targets, predicted, 2);

    expect(first).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(second).toEqual({ precision: 1, recall: 1, f1: 1, support: 2 });
  });

  it('averages F1 over labels for macro-F1 and pools decisions for micro-F1', () => {
    expect(macroF1(targets, predicted, 2)).toBeCloseTo(0.75);
    // tp 3, fp 1, fn 1.
    expect(microF1(targets, predicted)).toBeCloseTo(0.75);
  });

  it('leaves labels absent from both truth and predictions out of macro-F1', () => {
    expect(macroF1([1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 0, 0], 3)).toBe(1);
  });

  it('builds a confusion matrix indexed [truth][predicted] and its accuracy', () => {
    expect(confusionMatrix([0, 1, 1, 2], [0, 1, 2, 2], 3)).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(accuracy([0, 1, 1, 2], [0, 1, 2, 2])).toBe(0.75);
  });

  it('gives one PR point per distinct score, from the highest threshold down', () => {
    const points = prCurve([0.9, 0.5, 0.5, 0.1], [1, 1, 0, 0]);

    expect(points).toEqual([
      { threshold: 0.9, precision: 1, recall: 0.5 },
      { threshold: 0.5, precision: 2 / 3, recall: 1 },
      { threshold: 0.1, precision: 0.5, recall: 1 },
    ]);
  });

  it('measures calibration with reliability bins, ECE and the Brier score', () => {
    const bins = reliabilityBins([0.95, 0.95, 0.15, 0.15], [1, 0, 0, 0], 10);

    expect(bins[9]).toMatchObject({ count: 2, meanConfidence: 0.95, accuracy: 0.5 });
    expect(bins[1]).toMatchObject({ count: 2, meanConfidence: 0.15, accuracy: 0 });
    expect(expectedCalibrationError(bins)).toBeCloseTo((2 * 0.45 + 2 * 0.15) / 4);
    expect(brierScore([0.8, 0.2, 0.4, 0.6], [1, 0, 0, 1], 2)).toBeCloseTo((0.08 + 0.32) / 2);
  });

  it('interpolates percentiles between order statistics', () => {
    expect(percentile([4, 1, 3, 2, 5], 50)).toBe(3);
    expect(percentile([0, 10], 95)).toBeCloseTo(9.5);
  });
});
