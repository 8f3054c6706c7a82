import { describe, expect, it } from 'vitest';
import { buildTrainingSet } from '@/lib/ml/training-set';

const embeddings = new Map([
  [1, Float32Array.of(1, 0)],
  [2, Float32Array.of(0, 1)],
  [3, Float32Array.of(1, 1)],
  [4, Float32Array.of(2, 2)],
]);
const annotations = [
  { itemId: 1, kind: 'labels' as const, labelIds: [10] },
  { itemId: 2, kind: 'labels' as const, labelIds: [10, 20] },
  { itemId: 3, kind: 'none' as const, labelIds: [] },
  { itemId: 5, kind: 'labels' as const, labelIds: [20] },
];

describe('buildTrainingSet', () => {
  it('gives a "none" annotation an all-zero labeler target and multi-hot targets otherwise', () => {
    const set = buildTrainingSet({ kind: 'labeler', labelIds: [10, 20], annotations, embeddings });

    expect(set.itemIds).toEqual([1, 2, 3]);
    expect(Array.from(set.targets)).toEqual([1, 0, 1, 1, 0, 0]);
    expect(Array.from(set.features)).toEqual([1, 0, 0, 1, 1, 1]);
    expect(set.strata).toEqual(['0', '0+1', 'none']);
    expect(set.counts).toMatchObject({ annotated: 4, used: 3, none: 1, missingEmbedding: 1 });
  });

  it('leaves "none" and multi-label items out of a classifier and counts them', () => {
    const set = buildTrainingSet({
      kind: 'classifier',
      labelIds: [10, 20],
      annotations,
      embeddings,
    });

    expect(set.itemIds).toEqual([1]);
    expect(Array.from(set.targets)).toEqual([1, 0]);
    expect(set.counts).toMatchObject({ none: 1, noneExcluded: 1, multiLabelExcluded: 1 });
  });
});
