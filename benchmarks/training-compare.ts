import { appendAnnotations } from '@/lib/annotation/annotation-repo';
import { addLabels, createCollection } from '@/lib/collections/collection-repo';
import { insertItem } from '@/lib/collections/item-repo';
import { createRandom } from '@/lib/ml/random';
import { activateReadyModel, createTrainingModel } from '@/lib/ml/model-repo';
import { listPredictions, replacePredictions } from '@/lib/ml/prediction-repo';
import type { ScoreResult } from '@/lib/ml/scoring';
import { compareModels, countNoLabel, type ComparedModel } from '@/lib/training/comparison';
import { applyLabelerThresholds } from '@/lib/training/training-repo';
import { createTestDatabase } from '@/tests/helpers/db';

/**
 * What the comparison page and the threshold slider cost at collection sizes: loading the two
 * models' predictions, computing the comparison, counting no-label items for one slider
 * position (what the browser does on every move) and saving a threshold (re-deriving every
 * stored prediction in one transaction). Synthetic predictions, 8 labels, a real SQLite file.
 *
 *   npm run bench -- training-compare [--items 10000,100000]
 */

const LABELS = 8;

function argList(args: string[], name: string, fallback: number[]): number[] {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1].split(',').map(Number) : fallback;
}

function syntheticScores(count: number, seed: number): ScoreResult {
  const random = createRandom(seed);
  const probabilities = Float32Array.from({ length: count * LABELS }, () => random() ** 3);
  const topIndex = new Int32Array(count);
  const topProbability = new Float32Array(count);
  const predicted = new Uint8Array(count * LABELS);
  for (let row = 0; row < count; row++) {
    let top = 0;
    for (let label = 1; label < LABELS; label++) {
      if (probabilities[row * LABELS + label] > probabilities[row * LABELS + top]) top = label;
    }
    topIndex[row] = top;
    topProbability[row] = probabilities[row * LABELS + top];
    predicted[row * LABELS + top] = 1;
  }
  return {
    count,
    labelCount: LABELS,
    probabilities,
    predicted,
    topIndex,
    topProbability,
    uncertainty: new Float32Array(count),
    labelEntropy: new Float32Array(count * LABELS),
    margin: null,
    novelty: null,
    isNovel: new Uint8Array(count),
    noLabel: new Uint8Array(count),
  };
}

function timed<T>(work: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = work();
  return { value, ms: performance.now() - start };
}

export async function run(args: string[]): Promise<void> {
  console.log('| items | load predictions ms | compare ms | slider count ms | save threshold ms |');
  console.log('|---|---|---|---|---|');
  for (const count of argList(args, '--items', [10_000, 100_000])) {
    const database = createTestDatabase();
    const { db } = database;
    const collection = createCollection(db, { name: `Bench ${count}`, annotationMode: 'single' });
    const labels = addLabels(
      db,
      collection.id,
      Array.from({ length: LABELS }, (_, i) => ({ name: `label ${i}` })),
    );
    const labelIds = labels.map((label) => label.id);
    const itemIds = db.transaction(() =>
      Array.from(
        { length: count },
        (_, i) =>
          insertItem(db, {
            collectionId: collection.id,
            sourceKind: 'folder',
            sourceUri: `item-${i}.jpg`,
            contentHash: `hash-${i}`,
            filePath: `items/${i}.jpg`,
            mimeType: 'image/jpeg',
            sizeBytes: 1,
            width: 1,
            height: 1,
            identifier: null,
            metadata: {},
          }).id,
      ),
    );
    appendAnnotations(
      db,
      itemIds.slice(0, count / 10).map((itemId, i) => ({
        itemId,
        userId: null,
        labelIds: [labelIds[i % LABELS]],
        none: false,
        source: 'human' as const,
      })),
    );
    const models = (['classifier', 'labeler'] as const).map((kind, seed) => {
      const row = createTrainingModel(db, {
        collectionId: collection.id,
        kind,
        backbone: 'bench',
        backend: 'cpu',
        labelIds,
        seed,
        snapshotAnnotationId: null,
      });
      replacePredictions(db, row.id, itemIds, labelIds, syntheticScores(count, seed + 1));
      return activateReadyModel(db, row.id, {
        thresholds: kind === 'labeler' ? labelIds.map(() => 0.5) : null,
        noveltyThreshold: null,
        metrics: {},
        card: {},
        trainCount: 0,
        validationCount: 0,
        durationMs: 0,
        artifactPath: 'models/bench',
      });
    });

    const loaded = timed(() =>
      models.map((model): ComparedModel => ({
        ...model,
        predictions: listPredictions(db, model.id),
      })),
    );
    const annotations = itemIds
      .slice(0, count / 10)
      .map((itemId, i) => ({ itemId, kind: 'labels' as const, labelIds: [labelIds[i % LABELS]] }));
    const compared = timed(() => compareModels(loaded.value[0], loaded.value[1], annotations));
    const rows = loaded.value[1].predictions.map((p) => p.probabilities);
    const slider = timed(() =>
      countNoLabel(
        rows,
        labelIds.map(() => 0.4),
      ),
    );
    const saved = timed(() =>
      applyLabelerThresholds(
        db,
        models[1].id,
        labelIds.map(() => 0.4),
      ),
    );

    console.log(
      `| ${count} | ${loaded.ms.toFixed(0)} | ${compared.ms.toFixed(0)} | ${slider.ms.toFixed(1)} | ${saved.ms.toFixed(0)} |`,
    );
    database.close();
  }
}
