import { beforeAll, describe, expect, it } from 'vitest';
import { initTf, type Tf } from '@/lib/ml/backend';
import { buildHeadModel, headProbabilities } from '@/lib/ml/heads';
import { argmaxRows } from '@/lib/ml/metrics';
import { trainHead } from '@/lib/ml/training-loop';
import { loadFixtureTask, type FixtureTask } from '@/tests/helpers/fixture-task';

const FAST = { epochs: 150, learningRate: 0.01, batchSize: 8, seed: 3 };

describe('heads on the fixture images', () => {
  let tf: Tf;
  let task: FixtureTask;

  beforeAll(async () => {
    tf = (await initTf()).tf;
    task = await loadFixtureTask();
  });

  async function heldOutProbabilities(kind: 'classifier' | 'labeler', hiddenUnits = 0) {
    const trained = await trainHead(tf, {
      kind,
      inputDim: task.dim,
      labelCount: task.classNames.length,
      train: task.train,
      options: { ...FAST, hiddenUnits },
    });
    const model = buildHeadModel(tf, trained.weights);
    const probabilities = await headProbabilities(tf, model, task.test.features, task.dim);
    model.dispose();
    return probabilities;
  }

  it('trains a softmax classifier that names the photograph of held-out crops', async () => {
    const probabilities = await heldOutProbabilities('classifier');

    expect(Array.from(argmaxRows(probabilities, 3))).toEqual(task.test.classes);
    for (let row = 0; row < task.test.classes.length; row++) {
      const sum = probabilities[row * 3] + probabilities[row * 3 + 1] + probabilities[row * 3 + 2];
      expect(sum).toBeCloseTo(1, 4);
    }
  });

  it('trains a sigmoid labeler whose right label alone passes 0.5 on held-out crops', async () => {
    const probabilities = await heldOutProbabilities('labeler', 8);
    const assigned = Array.from(probabilities, (p) => (p >= 0.5 ? 1 : 0));

    expect(assigned).toEqual(Array.from(task.test.targets));
  });

  it('gives the same weights for the same seed', async () => {
    const input = {
      kind: 'labeler' as const,
      inputDim: task.dim,
      labelCount: 3,
      train: task.train,
      options: { ...FAST, epochs: 5 },
    };
    const first = await trainHead(tf, input);
    const second = await trainHead(tf, input);

    expect(second.weights.values).toEqual(first.weights.values);
  });

  it('stops early when validation loss stops improving and reports every epoch', async () => {
    const reports: number[] = [];
    const trained = await trainHead(tf, {
      kind: 'classifier',
      inputDim: task.dim,
      labelCount: 3,
      train: task.train,
      validation: task.test,
      options: { ...FAST, epochs: 2000, patience: 5 },
      onEpoch: (report) => reports.push(report.epoch),
    });

    expect(trained.epochsRun).toBeLessThan(2000);
    expect(trained.epochsRun - trained.bestEpoch).toBe(5);
    expect(reports).toEqual(Array.from({ length: trained.epochsRun }, (_, i) => i + 1));
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    const training = trainHead(tf, {
      kind: 'labeler',
      inputDim: task.dim,
      labelCount: 3,
      train: task.train,
      options: FAST,
      signal: controller.signal,
      onEpoch: (report) => {
        if (report.epoch === 2) controller.abort();
      },
    });

    await expect(training).rejects.toThrow();
  });

  it('leaks no tensors while training, with or without a hidden layer', async () => {
    const before = tf.memory().numTensors;
    for (const hiddenUnits of [0, 4]) {
      await trainHead(tf, {
        kind: 'classifier',
        inputDim: task.dim,
        labelCount: 3,
        train: task.train,
        validation: task.test,
        options: { ...FAST, epochs: 3, hiddenUnits, classWeights: 'balanced' },
      });
    }

    expect(tf.memory().numTensors).toBe(before);
  });
});
