import { describe, expect, it } from 'vitest';
import { labelSetStratum, stratifiedSplit } from '@/lib/ml/split';

describe('stratifiedSplit', () => {
  const strata = [...Array(20).fill('a'), ...Array(10).fill('b'), 'rare'];

  it('sends the same share of every stratum to validation and keeps singletons in training', () => {
    const { train, validation } = stratifiedSplit(strata, { validationFraction: 0.2, seed: 1 });
    const count = (indices: number[], stratum: string) =>
      indices.filter((index) => strata[index] === stratum).length;

    expect(count(validation, 'a')).toBe(4);
    expect(count(validation, 'b')).toBe(2);
    expect(count(validation, 'rare')).toBe(0);
    expect([...train, ...validation].sort((x, y) => x - y)).toEqual(strata.map((_, i) => i));
  });

  it('is repeatable for a seed and differs between seeds', () => {
    const first = stratifiedSplit(strata, { validationFraction: 0.2, seed: 7 });

    expect(stratifiedSplit(strata, { validationFraction: 0.2, seed: 7 })).toEqual(first);
    expect(stratifiedSplit(strata, { validationFraction: 0.2, seed: 8 })).not.toEqual(first);
  });

  it('names a label set independently of its order, and an empty one "none"', () => {
    expect(labelSetStratum([3, 1])).toBe('1+3');
    expect(labelSetStratum([])).toBe('none');
  });
});
