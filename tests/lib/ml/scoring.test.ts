import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, type Tf } from '@/lib/ml/backend';
import { unitRows } from '@/lib/ml/features';
import { buildHeadModel } from '@/lib/ml/heads';
import { fitNovelty } from '@/lib/ml/novelty';
import { binaryEntropyBits, scoreEmbeddings } from '@/lib/ml/scoring';
import { trainHead } from '@/lib/ml/training-loop';
import { loadFixtureTask, type FixtureTask } from '@/tests/helpers/fixture-task';

describe('scoreEmbeddings', () => {
  let tf: Tf;
  let task: FixtureTask;

  beforeAll(async () => {
    tf = (await initTf()).tf;
    task = await loadFixtureTask();
  });

  async function scoringModel(kind: 'classifier' | 'labeler', thresholds: number[] | null) {
    const trained = await trainHead(tf, {
      kind,
      inputDim: task.dim,
      labelCount: 3,
      train: task.train,
      options: { epochs: 100, learningRate: 0.01, batchSize: 8 },
    });
    const novelty = await fitNovelty(tf, {
      dim: task.dim,
      train: unitRows(task.train.raw, task.dim),
      trainLabels: task.train.classes.map((label) => [label]),
      validation: new Float32Array(0),
      validationLabels: [],
    });
    const model = buildHeadModel(tf, trained.weights);
    return { kind, model, inputDim: task.dim, labelCount: 3, thresholds, novelty };
  }

  it('gives a classifier one label per item, its margin and a normalised entropy', async () => {
    const scoring = await scoringModel('classifier', null);
    const result = await scoreEmbeddings(tf, scoring, task.test.raw);
    scoring.model.dispose();

    expect(Array.from(result.topIndex)).toEqual(task.test.classes);
    for (let row = 0; row < result.count; row++) {
      const p = Array.from(result.probabilities.subarray(row * 3, row * 3 + 3)).sort(
        (a, b) => b - a,
      );
      const entropy = -p.reduce((sum, q) => sum + (q > 0 ? q * Math.log(q) : 0), 0) / Math.log(3);
      expect(result.predicted.subarray(row * 3, row * 3 + 3).reduce((a, b) => a + b)).toBe(1);
      expect(result.margin?.[row]).toBeCloseTo(p[0] - p[1], 5);
      expect(result.uncertainty[row]).toBeCloseTo(entropy, 5);
      expect(result.noLabel[row]).toBe(0);
    }
  });

  it('lets a labeler assign no label when every probability is under its threshold', async () => {
    const strict = await scoringModel('labeler', [1.01, 1.01, 1.01]);
    const result = await scoreEmbeddings(tf, strict, task.test.raw);
    strict.model.dispose();

    expect(Array.from(result.noLabel)).toEqual(new Array(result.count).fill(1));
    expect(result.uncertainty[0]).toBeCloseTo(
      Math.max(...Array.from(result.probabilities.subarray(0, 3), binaryEntropyBits)),
      5,
    );
  });

  it('flags an embedding unlike every annotated one as novel', async () => {
    const scoring = await scoringModel('labeler', [0.5, 0.5, 0.5]);
    const odd = new Float32Array(task.dim);
    odd[task.dim - 1] = 1;
    const rows = Float32Array.from([...task.test.raw.subarray(0, task.dim), ...odd]);
    const result = await scoreEmbeddings(tf, scoring, rows);
    scoring.model.dispose();

    expect(Array.from(result.isNovel)).toEqual([0, 1]);
  });

  it('leaks no tensors while scoring', async () => {
    const scoring = await scoringModel('labeler', [0.5, 0.5, 0.5]);
    const before = tf.memory().numTensors;
    await scoreEmbeddings(tf, scoring, task.test.raw);
    const after = tf.memory().numTensors;
    scoring.model.dispose();

    expect(after).toBe(before);
  });
});
