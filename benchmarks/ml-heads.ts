import { initTf } from '@/lib/ml/backend';
import { prepareFeatures, unitRows } from '@/lib/ml/features';
import { buildHeadModel } from '@/lib/ml/heads';
import { fitNovelty, noveltyScores, type NoveltyMethod } from '@/lib/ml/novelty';
import { createRandom } from '@/lib/ml/random';
import { scoreEmbeddings } from '@/lib/ml/scoring';
import { trainHead } from '@/lib/ml/training-loop';

/**
 * Head training and scoring speed on synthetic embeddings shaped like MobileNetV2's (1280-d,
 * non-negative, 8 labels in clusters):
 * - training time per epoch and for a fixed number of epochs, 1k and 10k items, linear and MLP;
 * - scoring 100k cached embeddings: heads through `apply` on 8,192-row chunks, plus novelty
 *   (k-NN against 2k and 10k reference items, Mahalanobis).
 *
 *   npm run bench -- ml-heads [--epochs 10] [--score-items 100000]
 */

const DIM = 1280;
const LABELS = 8;

function argValue(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

function syntheticEmbeddings(count: number, seed: number) {
  const random = createRandom(seed);
  const centres = Array.from({ length: LABELS }, () =>
    Float32Array.from({ length: DIM }, () => random()),
  );
  const rows = new Float32Array(count * DIM);
  const targets = new Float32Array(count * LABELS);
  for (let row = 0; row < count; row++) {
    const label = row % LABELS;
    for (let j = 0; j < DIM; j++)
      rows[row * DIM + j] = Math.max(0, centres[label][j] + random() - 0.6);
    targets[row * LABELS + label] = 1;
  }
  return { rows, targets, labels: Array.from({ length: count }, (_, row) => [row % LABELS]) };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work();
  return { value, ms: performance.now() - start };
}

export async function run(args: string[]): Promise<void> {
  const epochs = argValue(args, '--epochs', 10);
  const scoreItems = argValue(args, '--score-items', 100_000);
  const { tf, backend } = await initTf();
  console.log(
    `backend ${backend}, ${DIM}-d embeddings, ${LABELS} labels, ${epochs} epochs, batch 64`,
  );

  console.log('\n| items | head | kind | total s | ms/epoch |\n|---|---|---|---|---|');
  for (const count of [1000, 10_000]) {
    const data = syntheticEmbeddings(count, 1);
    const features = prepareFeatures(data.rows, DIM);
    for (const hiddenUnits of [0, 256]) {
      for (const kind of ['classifier', 'labeler'] as const) {
        const { ms } = await timed(() =>
          trainHead(tf, {
            kind,
            inputDim: DIM,
            labelCount: LABELS,
            train: { features, targets: data.targets },
            options: { epochs, hiddenUnits },
          }),
        );
        const head = hiddenUnits ? `MLP ${hiddenUnits}` : 'linear';
        console.log(
          `| ${count} | ${head} | ${kind} | ${(ms / 1000).toFixed(2)} | ${(ms / epochs).toFixed(0)} |`,
        );
      }
    }
  }

  const scoring = syntheticEmbeddings(scoreItems, 2);
  console.log(`\nScoring ${scoreItems} embeddings\n| what | s |\n|---|---|`);
  for (const hiddenUnits of [0, 256]) {
    const small = syntheticEmbeddings(200, 3);
    const trained = await trainHead(tf, {
      kind: 'labeler',
      inputDim: DIM,
      labelCount: LABELS,
      train: { features: prepareFeatures(small.rows, DIM), targets: small.targets },
      options: { epochs: 1, hiddenUnits },
    });
    const model = buildHeadModel(tf, trained.weights);
    const { ms } = await timed(() =>
      scoreEmbeddings(
        tf,
        {
          kind: 'labeler',
          model,
          inputDim: DIM,
          labelCount: LABELS,
          thresholds: new Array(LABELS).fill(0.5),
          novelty: null,
        },
        scoring.rows,
      ),
    );
    model.dispose();
    console.log(
      `| head ${hiddenUnits ? `MLP ${hiddenUnits}` : 'linear'} (probabilities, decisions, entropies) | ${(ms / 1000).toFixed(2)} |`,
    );
  }

  const queries = unitRows(scoring.rows, DIM);
  const cases: [NoveltyMethod, number][] = [
    ['knn', 2000],
    ['knn', 10_000],
    ['mahalanobis', 10_000],
  ];
  for (const [method, referenceCount] of cases) {
    const reference = syntheticEmbeddings(referenceCount, 4);
    const fit = await timed(() =>
      fitNovelty(tf, {
        dim: DIM,
        train: unitRows(reference.rows, DIM),
        trainLabels: reference.labels,
        validation: new Float32Array(0),
        validationLabels: [],
        options: { method },
      }),
    );
    const { ms } = await timed(() => noveltyScores(tf, fit.value, queries));
    console.log(
      `| novelty ${method}, ${referenceCount} reference items (fit ${(fit.ms / 1000).toFixed(1)} s) | ${(ms / 1000).toFixed(2)} |`,
    );
  }
  console.log(`\ntensors alive at the end: ${tf.memory().numTensors}`);
}
