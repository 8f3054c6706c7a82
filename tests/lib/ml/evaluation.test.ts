import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, type Tf } from '@/lib/ml/backend';
import { runEvaluation } from '@/lib/ml/evaluation';
import { loadFixtureTask, type FixtureTask } from '@/tests/helpers/fixture-task';

describe('runEvaluation', () => {
  let tf: Tf;
  let task: FixtureTask;

  beforeAll(async () => {
    tf = (await initTf()).tf;
    task = await loadFixtureTask();
  });

  it('reports every row, rejects images unlike any class and leaks no tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const rows = (raw: Float32Array, classes: number[]) =>
      classes.map((classIndex, row) => ({
        vector: raw.slice(row * task.dim, (row + 1) * task.dim),
        classIndex,
      }));
    const inDomain = [
      ...rows(task.train.raw, task.train.classes),
      ...rows(task.test.raw, task.test.classes),
    ];
    // "Photos" that put all their mass where no fixture image has any: the last gradient bins.
    const ood = Array.from({ length: 12 }, (_, index) => {
      const vector = new Float32Array(task.dim);
      vector[task.dim - 1 - (index % 3)] = 1;
      return vector;
    });

    const report = await runEvaluation(tf, {
      classNames: task.classNames,
      inDomain,
      ood,
      oodTrain: 4,
      seed: 1,
      testFraction: 0.25,
      options: { head: { epochs: 100, learningRate: 0.01, batchSize: 8 } },
    });

    expect(report).toMatchObject({ trainCount: 18, testCount: 6, oodTestCount: 8 });
    expect(report.classifier.noLabelShare).toBe(0);
    expect(report.classifier.macroF1).toBeGreaterThan(0.6);
    expect(report.novelty.noLabelShare).toBe(1);
    expect(report.default.noLabelShare).toBe(1);
    expect(report.default.ood.max).toBeLessThanOrEqual(1);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
