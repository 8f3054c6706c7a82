import { describe, expect, it } from 'vitest';
import {
  abstentions,
  compareModels,
  countNoLabel,
  probeSet,
  reliabilityOn,
  spreadOf,
  type ComparedAnnotation,
  type ComparedModel,
  type ComparedPrediction,
} from '@/lib/training/comparison';

const LABELS = [10, 20];

function prediction(
  itemId: number,
  probabilities: number[],
  extra: Partial<ComparedPrediction> = {},
): ComparedPrediction {
  const top = probabilities[0] >= probabilities[1] ? 0 : 1;
  return {
    itemId,
    probabilities,
    predictedLabelIds: [LABELS[top]],
    topLabelId: LABELS[top],
    topProbability: probabilities[top],
    novelty: null,
    isNovel: false,
    noLabel: false,
    ...extra,
  };
}

const classifier: ComparedModel = {
  id: 1,
  kind: 'classifier',
  labelIds: LABELS,
  thresholds: null,
  metrics: { macroF1: 0.8, accuracy: 0.9, perLabel: [], prCurves: [] },
  predictions: [
    prediction(1, [0.95, 0.05]),
    prediction(2, [0.2, 0.8]),
    prediction(3, [0.97, 0.03]),
    prediction(4, [0.6, 0.4]),
  ],
};

const labeler: ComparedModel = {
  id: 2,
  kind: 'labeler',
  labelIds: LABELS,
  thresholds: [0.5, 0.5],
  metrics: { macroF1: 0.7, ece: 'not a number' },
  predictions: [
    prediction(1, [0.9, 0.1]),
    prediction(2, [0.3, 0.7]),
    prediction(3, [0.1, 0.2], { predictedLabelIds: [], noLabel: true }),
    prediction(4, [0.55, 0.1], { isNovel: true, novelty: 3.2 }),
  ],
};

const annotations: ComparedAnnotation[] = [
  { itemId: 1, kind: 'labels', labelIds: [10] },
  { itemId: 2, kind: 'labels', labelIds: [10] },
  { itemId: 3, kind: 'none', labelIds: [] },
];

describe('comparison of the classifier and the labeler', () => {
  it('summarises a spread with min, median and max and a 10-bin histogram', () => {
    const spread = spreadOf([0.95, 0.2, 1, 0.5]);

    expect(spread).toMatchObject({ count: 4, min: 0.2, median: 0.725, max: 1 });
    expect(spread.histogram).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 0, 2]);
    expect(spreadOf([])).toMatchObject({ count: 0, median: null });
  });

  it('counts the items a labeler leaves without a label at given thresholds', () => {
    const rows = labeler.predictions.map((p) => p.probabilities);

    expect(countNoLabel(rows, [0.5, 0.5])).toBe(1);
    expect(countNoLabel(rows, [0.95, 0.5])).toBe(3);
    expect(countNoLabel(rows, [0.05, 0.05])).toBe(0);
  });

  it('counts labeler abstentions and how many the classifier labels with over 0.9', () => {
    expect(abstentions(classifier, labeler)).toEqual({
      labelerNoLabel: 1,
      labelerNovel: 1,
      labelerAbstains: 2,
      // Item 3: the classifier says label 10 at 0.97; item 4 only at 0.6.
      classifierConfidentOnThose: 1,
    });
  });

  it('bins classifier reliability by whether the top label matches the annotation', () => {
    const bins = reliabilityOn(classifier, annotations);

    // Item 1: 0.95 and right; item 2: 0.8 and wrong; item 3 is "none" and left out.
    expect(bins[9]).toMatchObject({ count: 1, accuracy: 1 });
    expect(bins[8]).toMatchObject({ count: 1, accuracy: 0 });
    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(2);
  });

  it('bins labeler reliability over every (item, label) pair, "none" items included', () => {
    const bins = reliabilityOn(labeler, annotations);

    expect(bins.reduce((sum, bin) => sum + bin.count, 0)).toBe(6);
    // 0.9 for label 10 on item 1 is right; 0.1 / 0.2 / 0.1 / 0.7 pairs are targets of 0 or wrong.
    expect(bins[9]).toMatchObject({ count: 1, accuracy: 1 });
  });

  it('reports how each model treats the items marked "none of these"', () => {
    const probe = probeSet(classifier, labeler, annotations);

    expect(probe.rows).toEqual([
      {
        itemId: 3,
        classifierTopLabelId: 10,
        classifierConfidence: 0.97,
        labelerLabelIds: [],
        labelerNovelty: null,
        labelerNovel: false,
      },
    ]);
    expect(probe).toMatchObject({ classifierConfident: 1, labelerAbstains: 1 });
  });

  it('reads stored metrics leniently: a bad or missing value becomes null', () => {
    const comparison = compareModels(classifier, labeler, annotations);

    expect(comparison.metrics.classifier).toMatchObject({ macroF1: 0.8, accuracy: 0.9, ece: null });
    expect(comparison.metrics.labeler).toMatchObject({ macroF1: 0.7, ece: null, perLabel: [] });
    expect(comparison.spread.classifier.annotated.count).toBe(3);
    expect(comparison.spread.classifier.unannotated.count).toBe(1);
  });
});
