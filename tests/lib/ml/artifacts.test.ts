import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeNovelty, loadModel, saveModel, type ModelCard } from '@/lib/ml/artifacts';
import { initTf, type Tf } from '@/lib/ml/backend';
import { FEATURE_TRANSFORM, unitRows } from '@/lib/ml/features';
import { buildHeadModel } from '@/lib/ml/heads';
import { fitNovelty, type NoveltyMethod } from '@/lib/ml/novelty';
import { scoreEmbeddings } from '@/lib/ml/scoring';
import { trainHead } from '@/lib/ml/training-loop';
import { loadFixtureTask, type FixtureTask } from '@/tests/helpers/fixture-task';

function cardFor(task: FixtureTask, hiddenUnits: number, thresholds: number[]): ModelCard {
  return {
    version: 1,
    kind: 'labeler',
    backbone: 'fixture-histograms',
    backend: 'wasm',
    featureTransform: FEATURE_TRANSFORM,
    head: { inputDim: task.dim, hiddenUnits, labelCount: 3 },
    labels: task.classNames.map((name, index) => ({ id: index + 1, name })),
    thresholds,
    thresholdPolicy: { mode: 'f1' },
    novelty: null,
    metrics: {},
    trainCount: 18,
    validationCount: 0,
    noneCount: 0,
    excluded: { none: 0, multiLabel: 0, missingEmbedding: 0 },
    snapshotAnnotationId: null,
    snapshotAt: 0,
    seed: 1,
    options: {},
    durationMs: 0,
    createdAt: 0,
  };
}

describe('model artifacts', () => {
  let tf: Tf;
  let task: FixtureTask;
  const dirs: string[] = [];

  beforeAll(async () => {
    tf = (await initTf()).tf;
    task = await loadFixtureTask();
  });

  afterEach(() =>
    dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })),
  );

  it.each<NoveltyMethod>(['knn', 'mahalanobis'])(
    'round-trip to identical predictions and %s novelty scores',
    async (method) => {
      const trained = await trainHead(tf, {
        kind: 'labeler',
        inputDim: task.dim,
        labelCount: 3,
        train: task.train,
        options: { epochs: 20, hiddenUnits: 4, learningRate: 0.01 },
      });
      const model = buildHeadModel(tf, trained.weights);
      const labels = task.train.classes.map((label) => [label]);
      const novelty = await fitNovelty(tf, {
        dim: task.dim,
        train: unitRows(task.train.raw, task.dim),
        trainLabels: labels,
        validation: new Float32Array(0),
        validationLabels: [],
        options: { method },
      });
      const thresholds = [0.4, 0.5, 0.6];
      const card = { ...cardFor(task, 4, thresholds), novelty: describeNovelty(novelty) };
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-artifacts-'));
      dirs.push(root);
      const dir = path.join(root, 'model-1');

      await saveModel(dir, model, card, novelty);
      const loaded = await loadModel(tf, dir);
      const scoring = { kind: 'labeler' as const, inputDim: task.dim, labelCount: 3, thresholds };
      const before = await scoreEmbeddings(tf, { ...scoring, model, novelty }, task.test.raw);
      const after = await scoreEmbeddings(
        tf,
        { ...scoring, model: loaded.model, novelty: loaded.novelty },
        task.test.raw,
      );
      model.dispose();
      loaded.model.dispose();

      expect(fs.readdirSync(root)).toEqual(['model-1']);
      expect(fs.readdirSync(dir).sort()).toEqual([
        'card.json',
        'model.json',
        'novelty.bin',
        'weights.bin',
      ]);
      expect(loaded.card).toEqual(card);
      expect(after.probabilities).toEqual(before.probabilities);
      expect(after.novelty).toEqual(before.novelty);
      expect(after.predicted).toEqual(before.predicted);
    },
  );

  it('leaves nothing behind when saving fails', async () => {
    const trained = await trainHead(tf, {
      kind: 'labeler',
      inputDim: task.dim,
      labelCount: 3,
      train: task.train,
      options: { epochs: 1 },
    });
    const model = buildHeadModel(tf, trained.weights);
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-artifacts-'));
    dirs.push(root);
    const invalidCard = { ...cardFor(task, 0, [0.5, 0.5, 0.5]), seed: 0.5 };

    await expect(saveModel(path.join(root, 'model-2'), model, invalidCard, null)).rejects.toThrow();
    model.dispose();

    expect(fs.readdirSync(root)).toEqual([]);
  });
});
