import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, type Tf } from '@/lib/ml/backend';
import { unitRows } from '@/lib/ml/features';
import { fitNovelty, noveltyScores, type NoveltyMethod } from '@/lib/ml/novelty';
import { createRandom } from '@/lib/ml/random';

const DIM = 16;

/** Points scattered around two directions, as two labels' embeddings would be. */
function cluster(count: number, seed: number): { rows: Float32Array; labels: number[][] } {
  const random = createRandom(seed);
  const rows = new Float32Array(count * DIM);
  const labels: number[][] = [];
  for (let row = 0; row < count; row++) {
    const label = row % 2;
    for (let j = 0; j < DIM; j++) rows[row * DIM + j] = 0.2 * (random() - 0.5);
    rows[row * DIM + label] += 1;
    labels.push([label]);
  }
  return { rows: unitRows(rows, DIM), labels };
}

describe.each<NoveltyMethod>(['knn', 'mahalanobis'])('%s novelty', (method) => {
  let tf: Tf;

  beforeAll(async () => {
    tf = (await initTf()).tf;
  });

  async function fitted() {
    const train = cluster(60, 1);
    const validation = cluster(20, 2);
    return fitNovelty(tf, {
      dim: DIM,
      train: train.rows,
      trainLabels: train.labels,
      validation: validation.rows,
      validationLabels: validation.labels,
      options: { method },
    });
  }

  it('flags a far embedding and not a near one', async () => {
    const model = await fitted();
    const near = cluster(2, 3).rows;
    const far = new Float32Array(DIM);
    far[DIM - 1] = 1;
    const scores = await noveltyScores(tf, model, Float32Array.from([...near, ...far]));

    expect(scores[0]).toBeLessThanOrEqual(model.threshold);
    expect(scores[1]).toBeLessThanOrEqual(model.threshold);
    expect(scores[2]).toBeGreaterThan(model.threshold);
  });

  it('sets the threshold so that about 5% of validation items lie above it', async () => {
    const validation = cluster(20, 2);
    const train = cluster(60, 1);
    const model = await fitNovelty(tf, {
      dim: DIM,
      train: train.rows,
      trainLabels: train.labels,
      validation: validation.rows,
      validationLabels: validation.labels,
      options: { method, percentile: 95 },
    });
    // After fitting, validation items are part of the reference; refit without them to check.
    const calibration = await fitNovelty(tf, {
      dim: DIM,
      train: train.rows,
      trainLabels: train.labels,
      validation: new Float32Array(0),
      validationLabels: [],
      options: { method },
    });
    const scores = await noveltyScores(tf, { ...calibration }, validation.rows);
    const above = Array.from(scores).filter((score) => score > model.threshold).length;

    expect(above).toBe(1);
  });

  it('leaks no tensors while fitting and scoring', async () => {
    const before = tf.memory().numTensors;
    const model = await fitted();
    await noveltyScores(tf, model, cluster(10, 4).rows);

    expect(tf.memory().numTensors).toBe(before);
  });
});
