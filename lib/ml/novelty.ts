import { z } from 'zod';
import type { Tf } from './backend';
import { percentile } from './metrics';

/**
 * How unlike the annotated items an item is, in embedding space, on unit-length embeddings.
 *
 * - knn: cosine distance to the k-th nearest reference item (k=5 by default). The k-th rather
 *   than the nearest, so that one stray or mislabelled annotation does not make its whole
 *   neighbourhood look familiar.
 * - mahalanobis: distance to the nearest label mean under one covariance shared by all labels,
 *   shrunk towards a scaled identity because a collection has far fewer items than dimensions.
 *
 * The reference is the items that carry at least one label; items annotated "none of these" are
 * left out. Novelty then means one thing, "far from every label's examples", whatever number of
 * "none" annotations a collection has, and the labeler already learns the "none" region itself.
 * "none" is also no class with a mean, so Mahalanobis could not use those items anyway.
 *
 * The threshold is a percentile (99th by default) of validation items' scores against the
 * training reference; `isNovel = score > threshold`, so about 1% of in-domain items are flagged.
 * Afterwards the validation items join the reference, which only makes in-domain items closer.
 * Why the 99th and k-NN: see docs/ml.md. At the 95th, novelty flags ~5% of in-domain items,
 * which together with the labeler's own "no label" answers passed the 5% budget, while the
 * nearest out-of-domain photo we measured still sat 1.5–5.5× above the 99th-percentile one.
 */

export const NOVELTY_METHODS = ['knn', 'mahalanobis'] as const;
export type NoveltyMethod = (typeof NOVELTY_METHODS)[number];

export const DEFAULT_NOVELTY_K = 5;
export const DEFAULT_NOVELTY_PERCENTILE = 99;
export const DEFAULT_SHRINKAGE = 0.2;

/** Cap on the similarity block (query rows × reference rows) held at once, in floats. */
const MAX_BLOCK_FLOATS = 1 << 24;
const MAX_CHUNK_ROWS = 8192;

export const noveltyOptionsSchema = z.object({
  method: z.enum(NOVELTY_METHODS).default('knn'),
  k: z.number().int().min(1).default(DEFAULT_NOVELTY_K),
  percentile: z.number().min(0).max(100).default(DEFAULT_NOVELTY_PERCENTILE),
  shrinkage: z.number().min(0).max(1).default(DEFAULT_SHRINKAGE),
});
export type NoveltyOptions = z.infer<typeof noveltyOptionsSchema>;
export type NoveltyOptionsInput = z.input<typeof noveltyOptionsSchema>;

export interface KnnNovelty {
  method: 'knn';
  dim: number;
  k: number;
  /** Unit rows, reference count × dim. */
  reference: Float32Array;
  threshold: number;
  percentile: number;
}

export interface MahalanobisNovelty {
  method: 'mahalanobis';
  dim: number;
  /** dim × dim, row-major: z = x · whitening has identity covariance. */
  whitening: Float32Array;
  /** Whitened label means, class count × dim. */
  means: Float32Array;
  shrinkage: number;
  threshold: number;
  percentile: number;
}

export type NoveltyModel = KnnNovelty | MahalanobisNovelty;

export interface NoveltyFitInput {
  dim: number;
  /** Unit rows of labelled training items. */
  train: Float32Array;
  /** Output indices of each training row's labels (Mahalanobis groups by them). */
  trainLabels: readonly number[][];
  /** Unit rows of labelled validation items; the threshold is a percentile of their scores. */
  validation: Float32Array;
  validationLabels: readonly number[][];
  options?: NoveltyOptionsInput;
}

function transposeRows(rows: Float32Array, dim: number): Float32Array {
  const count = rows.length / dim;
  const out = new Float32Array(rows.length);
  for (let r = 0; r < count; r++)
    for (let j = 0; j < dim; j++) out[j * count + r] = rows[r * dim + j];
  return out;
}

function rowsPerChunk(columns: number): number {
  return Math.max(1, Math.min(MAX_CHUNK_ROWS, Math.floor(MAX_BLOCK_FLOATS / Math.max(1, columns))));
}

async function knnScores(tf: Tf, model: KnnNovelty, rows: Float32Array): Promise<Float32Array> {
  const { dim } = model;
  const referenceCount = model.reference.length / dim;
  const queryCount = rows.length / dim;
  const out = new Float32Array(queryCount);
  if (referenceCount === 0) return out.fill(1);

  const k = Math.min(model.k, referenceCount);
  // Transposed once in JS so that every chunk is a plain matMul (no transpose flag).
  const referenceT = tf.tensor2d(transposeRows(model.reference, dim), [dim, referenceCount]);
  const step = rowsPerChunk(referenceCount);
  try {
    for (let start = 0; start < queryCount; start += step) {
      const end = Math.min(queryCount, start + step);
      const kth = tf.tidy(() => {
        const query = tf.tensor2d(rows.subarray(start * dim, end * dim), [end - start, dim]);
        const similarities = tf.matMul(query, referenceT);
        const { values } = tf.topk(similarities, k);
        return tf.sub(1, values.slice([0, k - 1], [end - start, 1]));
      });
      out.set(await kth.data(), start);
      kth.dispose();
    }
  } finally {
    referenceT.dispose();
  }
  return out;
}

async function mahalanobisScores(
  tf: Tf,
  model: MahalanobisNovelty,
  rows: Float32Array,
): Promise<Float32Array> {
  const { dim } = model;
  const classCount = model.means.length / dim;
  const queryCount = rows.length / dim;
  const out = new Float32Array(queryCount);

  const whitening = tf.tensor2d(model.whitening, [dim, dim]);
  const meansT = tf.tensor2d(transposeRows(model.means, dim), [dim, classCount]);
  const meanNorms = tf.tidy(() => tf.sum(tf.square(meansT), 0, true));
  const step = rowsPerChunk(Math.max(dim, classCount));
  try {
    for (let start = 0; start < queryCount; start += step) {
      const end = Math.min(queryCount, start + step);
      // ||z - m||² = ||z||² - 2 z·m + ||m||², minimised over the label means.
      const nearest = tf.tidy(() => {
        const query = tf.tensor2d(rows.subarray(start * dim, end * dim), [end - start, dim]);
        const z = tf.matMul(query, whitening);
        const squared = tf.sum(tf.square(z), 1, true);
        const distances = tf.add(tf.sub(squared, tf.mul(2, tf.matMul(z, meansT))), meanNorms);
        return tf.min(distances, 1);
      });
      out.set(await nearest.data(), start);
      nearest.dispose();
    }
  } finally {
    whitening.dispose();
    meansT.dispose();
    meanNorms.dispose();
  }
  return out;
}

/** Novelty scores of unit rows under a fitted model. */
export function noveltyScores(
  tf: Tf,
  model: NoveltyModel,
  rows: Float32Array,
): Promise<Float32Array> {
  return model.method === 'knn' ? knnScores(tf, model, rows) : mahalanobisScores(tf, model, rows);
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Fits the novelty model on training rows and sets its threshold from validation rows. */
export async function fitNovelty(tf: Tf, input: NoveltyFitInput): Promise<NoveltyModel> {
  const options = noveltyOptionsSchema.parse(input.options ?? {});
  const hasValidation = input.validation.length > 0;

  const calibrationModel = await fitReference(
    tf,
    input.dim,
    input.train,
    input.trainLabels,
    options,
  );
  // Without validation items the training items score themselves; their k-th neighbour is then
  // one step closer, so the threshold errs low (more items flagged), the safer side for a queue.
  const calibrationRows = hasValidation ? input.validation : input.train;
  const scores = await noveltyScores(tf, calibrationModel, calibrationRows);
  const threshold = scores.length > 0 ? percentile(scores, options.percentile) : 0;

  const finalModel = hasValidation
    ? await fitReference(
        tf,
        input.dim,
        concat(input.train, input.validation),
        [...input.trainLabels, ...input.validationLabels],
        options,
      )
    : calibrationModel;
  return { ...finalModel, threshold, percentile: options.percentile };
}

async function fitReference(
  tf: Tf,
  dim: number,
  rows: Float32Array,
  labels: readonly number[][],
  options: NoveltyOptions,
): Promise<NoveltyModel> {
  if (options.method === 'knn') {
    return {
      method: 'knn',
      dim,
      k: options.k,
      reference: rows,
      threshold: 0,
      percentile: options.percentile,
    };
  }
  return fitMahalanobis(tf, dim, rows, labels, options);
}

/** Label means in input space, each row counted once per label it carries. */
function labelMeans(dim: number, rows: Float32Array, labels: readonly number[][]) {
  const classCount = Math.max(0, ...labels.flat()) + 1;
  const sums = new Float64Array(classCount * dim);
  const counts = new Float64Array(classCount);
  labels.forEach((outputs, row) => {
    for (const output of outputs) {
      counts[output]++;
      for (let j = 0; j < dim; j++) sums[output * dim + j] += rows[row * dim + j];
    }
  });
  const present = [...counts.keys()].filter((output) => counts[output] > 0);
  const means = new Float32Array(present.length * dim);
  present.forEach((output, index) => {
    for (let j = 0; j < dim; j++) means[index * dim + j] = sums[output * dim + j] / counts[output];
  });
  const meanIndex = new Map(present.map((output, index) => [output, index]));
  return { means, meanIndex };
}

/** Rows minus the average of their labels' means. */
function centredRows(
  dim: number,
  rows: Float32Array,
  labels: readonly number[][],
  means: Float32Array,
  meanIndex: Map<number, number>,
) {
  const out = new Float32Array(rows.length);
  labels.forEach((outputs, row) => {
    for (let j = 0; j < dim; j++) {
      let centre = 0;
      for (const output of outputs) centre += means[(meanIndex.get(output) ?? 0) * dim + j];
      out[row * dim + j] = rows[row * dim + j] - (outputs.length > 0 ? centre / outputs.length : 0);
    }
  });
  return out;
}

async function fitMahalanobis(
  tf: Tf,
  dim: number,
  rows: Float32Array,
  labels: readonly number[][],
  options: NoveltyOptions,
): Promise<MahalanobisNovelty> {
  const { means, meanIndex } = labelMeans(dim, rows, labels);
  const centred = centredRows(dim, rows, labels, means, meanIndex);
  const count = rows.length / dim;

  const covarianceTensor = tf.tidy(() => {
    const xT = tf.tensor2d(transposeRows(centred, dim), [dim, count]);
    const x = tf.tensor2d(centred, [count, dim]);
    return tf.div(tf.matMul(xT, x), Math.max(1, count));
  });
  const covariance = Float64Array.from(await covarianceTensor.data());
  covarianceTensor.dispose();

  shrinkTowardsIdentity(covariance, dim, options.shrinkage);
  const whitening = inverseCholeskyTransposed(covariance, dim);

  const whitenedMeans = tf.tidy(() =>
    tf.matMul(tf.tensor2d(means, [means.length / dim, dim]), tf.tensor2d(whitening, [dim, dim])),
  );
  const meansData = (await whitenedMeans.data()) as Float32Array;
  whitenedMeans.dispose();

  return {
    method: 'mahalanobis',
    dim,
    whitening,
    means: meansData,
    shrinkage: options.shrinkage,
    threshold: 0,
    percentile: options.percentile,
  };
}

/** (1 - a)·C + a·(trace(C)/d)·I, in place. */
function shrinkTowardsIdentity(covariance: Float64Array, dim: number, shrinkage: number): void {
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += covariance[i * dim + i];
  const target = trace > 0 ? trace / dim : 1;
  for (let i = 0; i < covariance.length; i++) covariance[i] *= 1 - shrinkage;
  // A floor keeps the Cholesky factorisation defined when shrinkage is 0 and C is singular.
  for (let i = 0; i < dim; i++) covariance[i * dim + i] += shrinkage * target + 1e-6 * target;
}

/**
 * For C = L·Lᵀ returns (L⁻¹)ᵀ as float32, row-major: a row vector x maps to x·(L⁻¹)ᵀ, whose
 * covariance is the identity. Plain JS in float64: d³/3 operations, about a second for d=1280.
 */
function inverseCholeskyTransposed(covariance: Float64Array, dim: number): Float32Array {
  const lower = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = covariance[i * dim + j];
      for (let k = 0; k < j; k++) sum -= lower[i * dim + k] * lower[j * dim + k];
      lower[i * dim + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / lower[j * dim + j];
    }
  }

  // Forward substitution, one column of L⁻¹ at a time; stored transposed as we go.
  const out = new Float32Array(dim * dim);
  const column = new Float64Array(dim);
  for (let c = 0; c < dim; c++) {
    column.fill(0);
    for (let i = c; i < dim; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = c; k < i; k++) sum -= lower[i * dim + k] * column[k];
      column[i] = sum / lower[i * dim + i];
    }
    // (L⁻¹)[i][c] goes to out[c][i].
    for (let i = c; i < dim; i++) out[c * dim + i] = column[i];
  }
  return out;
}

/** Whether each score exceeds the model's threshold. */
export function isNovelAll(scores: Float32Array, threshold: number): boolean[] {
  return Array.from(scores, (score) => score > threshold);
}
