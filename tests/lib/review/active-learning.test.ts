import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, type Tf } from '@/lib/ml/backend';
import { createRandom } from '@/lib/ml/random';
import { simulateActiveLearning } from '@/lib/review/active-learning';

/** Three separable clusters in 16 dimensions, with a little seeded noise. */
function clusters(perClass: number, seed: number) {
  const random = createRandom(seed);
  const dim = 16;
  const vectors: Float32Array[] = [];
  const classOf: number[] = [];
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perClass; i++) {
      const vector = new Float32Array(dim);
      for (let d = 0; d < dim; d++) vector[d] = (d % 3 === c ? 1 : 0) + (random() - 0.5) * 0.3;
      vectors.push(vector);
      classOf.push(c);
    }
  }
  return { vectors, classOf };
}

describe('the active-learning simulation', () => {
  let tf: Tf;
  beforeAll(async () => {
    ({ tf } = await initTf());
  });

  it('grows both curves by the batch from K per class and reports when each reaches the target', async () => {
    const { vectors, classOf } = clusters(40, 3);
    const points: number[] = [];

    const result = await simulateActiveLearning(tf, {
      vectors,
      classOf,
      classCount: 3,
      seed: 7,
      batch: 6,
      initialPerClass: 2,
      strategy: 'entropy',
      randomShare: 0,
      maxLabels: 30,
      epochs: 100,
      onPoint: (point) => points.push(point.labels),
    });

    expect(result.fullF1).toBeGreaterThan(0.9);
    expect(result.testCount + result.poolCount).toBe(120);
    expect(points[0]).toBe(6);
    expect(points.slice(1).every((labels, i) => labels === points[i] + 6)).toBe(true);
    expect(result.curve.map((p) => p.labels)).toEqual(points);
    const reached = result.labelsToTarget.uncertainty;
    if (reached !== null) {
      const point = result.curve.find((p) => p.labels === reached);
      expect(point?.uncertaintyF1).toBeGreaterThanOrEqual(result.targetF1);
    }
    expect(tf.memory().numTensors).toBeLessThan(50);
  });
});
