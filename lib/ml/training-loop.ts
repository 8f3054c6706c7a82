import type * as tfjs from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ModelKind } from '@/db/schema';
import type { Tf } from './backend';
import type { HeadShape, HeadWeights } from './heads';
import { weightShapes } from './heads';
import { argmaxRows, macroF1, oneHot } from './metrics';
import { createRandom, shuffleInPlace, type Random } from './random';

/**
 * Our own mini-batch loop with hand-written gradients and Adam. On the wasm backend a matMul with
 * a transpose flag is 8–15× slower than transposing first, and autodiff of a dense layer asks for
 * exactly those; `model.fit` measured about 4× slower than this loop. The batch's transpose is
 * built in JS while the batch is copied, so it costs nothing on the backend.
 */

export const headOptionsSchema = z.object({
  hiddenUnits: z.number().int().min(0).default(0),
  epochs: z.number().int().min(1).default(100),
  batchSize: z.number().int().min(1).default(64),
  learningRate: z.number().positive().default(1e-3),
  /** Epochs without a better validation loss before training stops. */
  patience: z.number().int().min(1).default(8),
  l2: z.number().min(0).default(1e-4),
  /** balanced: classifier weights items by inverse class frequency; labeler weights positives. */
  classWeights: z.enum(['none', 'balanced']).default('none'),
  seed: z.number().int().default(42),
});
export type HeadOptions = z.infer<typeof headOptionsSchema>;
export type HeadOptionsInput = z.input<typeof headOptionsSchema>;

export interface EpochReport {
  epoch: number;
  epochs: number;
  loss: number;
  valLoss: number | null;
  valMetric: number | null;
}

export interface LabelledRows {
  features: Float32Array;
  targets: Float32Array;
}

export interface TrainHeadInput {
  kind: ModelKind;
  inputDim: number;
  labelCount: number;
  train: LabelledRows;
  validation?: LabelledRows;
  options?: HeadOptionsInput;
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
}

export interface TrainedHead {
  weights: HeadWeights;
  epochsRun: number;
  bestEpoch: number;
  history: EpochReport[];
}

/** Largest positive-class weight for a balanced labeler: rare labels would otherwise dominate. */
const MAX_POSITIVE_WEIGHT = 10;
const LOG_EPSILON = 1e-7;

function glorotUniform(rows: number, cols: number, random: Random): Float32Array {
  const limit = Math.sqrt(6 / (rows + cols));
  return Float32Array.from({ length: rows * cols }, () => (random() * 2 - 1) * limit);
}

function initialWeights(shape: HeadShape, random: Random): Float32Array[] {
  return weightShapes(shape).map(([rows, cols], index) =>
    index % 2 === 0 ? glorotUniform(rows, cols, random) : new Float32Array(cols),
  );
}

/** Per-item weights (classifier) and per-label positive weights (labeler). */
function lossWeights(input: TrainHeadInput, options: HeadOptions) {
  const rows = input.train.targets.length / input.labelCount;
  const itemWeights = new Float32Array(rows).fill(1);
  const positiveWeights = new Float32Array(input.labelCount).fill(1);
  if (options.classWeights === 'none') return { itemWeights, positiveWeights };

  const positives = new Float32Array(input.labelCount);
  input.train.targets.forEach((target, i) => (positives[i % input.labelCount] += target));
  if (input.kind === 'classifier') {
    const classes = argmaxRows(input.train.targets, input.labelCount);
    const present = positives.filter((count) => count > 0).length;
    classes.forEach((label, row) => (itemWeights[row] = rows / (present * positives[label])));
  } else {
    positives.forEach((count, label) => {
      positiveWeights[label] =
        count > 0 ? Math.min(MAX_POSITIVE_WEIGHT, (rows - count) / count) : 1;
    });
  }
  return { itemWeights, positiveWeights };
}

class HeadTrainer {
  private readonly variables: tfjs.Variable[];
  private readonly names: string[];
  private readonly optimizer: tfjs.AdamOptimizer;

  constructor(
    private readonly tf: Tf,
    private readonly shape: HeadShape,
    private readonly options: HeadOptions,
    initial: Float32Array[],
  ) {
    const prefix = `curio_head_${Date.now()}_${Math.floor(Math.random() * 1e9)}`;
    this.names = initial.map((_, index) => `${prefix}_${index}`);
    this.variables = initial.map((values, index) => {
      const [rows, cols] = weightShapes(shape)[index];
      // tidy frees the initial tensor; the variable keeps its own copy of the data.
      return tf.tidy(() => tf.variable(tf.tensor2d(values, [rows, cols]), true, this.names[index]));
    });
    this.optimizer = tf.train.adam(options.learningRate);
  }

  /** Forward pass: [hidden pre-activation, hidden activation, output probabilities]. */
  forward(x: tfjs.Tensor2D): {
    pre: tfjs.Tensor2D | null;
    hidden: tfjs.Tensor2D;
    probs: tfjs.Tensor2D;
  } {
    const tf = this.tf;
    const v = this.variables;
    let hidden = x;
    let pre: tfjs.Tensor2D | null = null;
    let last = 0;
    if (this.shape.hiddenUnits > 0) {
      const hiddenPre = tf.add(tf.matMul(x, v[0]), v[1]) as tfjs.Tensor2D;
      pre = hiddenPre;
      hidden = tf.relu(hiddenPre);
      last = 2;
    }
    const logits = tf.add(tf.matMul(hidden, v[last]), v[last + 1]) as tfjs.Tensor2D;
    const probs = this.shape.kind === 'classifier' ? tf.softmax(logits) : tf.sigmoid(logits);
    return { pre, hidden, probs };
  }

  /** Mean loss of a batch, from probabilities. */
  loss(
    probs: tfjs.Tensor2D,
    y: tfjs.Tensor2D,
    itemWeights: tfjs.Tensor2D,
    positive: tfjs.Tensor2D,
  ) {
    const tf = this.tf;
    const p = tf.clipByValue(probs, LOG_EPSILON, 1 - LOG_EPSILON);
    const perItem =
      this.shape.kind === 'classifier'
        ? tf.neg(tf.sum(tf.mul(y, tf.log(p)), 1, true))
        : tf.neg(
            tf.sum(
              tf.add(
                tf.mul(tf.mul(positive, y), tf.log(p)),
                tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))),
              ),
              1,
              true,
            ),
          );
    return tf.mean(tf.mul(perItem, itemWeights));
  }

  /** One Adam step on a batch; returns the batch loss (kept, caller disposes). */
  step(
    x: tfjs.Tensor2D,
    xT: tfjs.Tensor2D,
    y: tfjs.Tensor2D,
    itemWeights: tfjs.Tensor2D,
    positive: tfjs.Tensor2D,
  ): tfjs.Scalar {
    const tf = this.tf;
    const v = this.variables;
    const batch = x.shape[0];
    return tf.tidy(() => {
      const { pre, hidden, probs } = this.forward(x);
      // d(loss)/d(logits) for softmax+CE is p - y; for weighted sigmoid BCE p(wy + 1 - y) - wy.
      const wy = tf.mul(positive, y);
      const raw =
        this.shape.kind === 'classifier'
          ? tf.sub(probs, y)
          : tf.sub(tf.mul(probs, tf.add(wy, tf.sub(1, y))), wy);
      const dLogits = tf.div(tf.mul(raw, itemWeights), batch) as tfjs.Tensor2D;

      const grads: tfjs.NamedTensorMap = {};
      const last = pre ? 2 : 0;
      const hiddenT = pre ? tf.transpose(hidden) : xT;
      grads[this.names[last]] = tf.add(
        tf.matMul(hiddenT, dLogits),
        tf.mul(v[last], this.options.l2),
      );
      grads[this.names[last + 1]] = tf.sum(dLogits, 0, true);
      if (pre) {
        const dHidden = tf.matMul(dLogits, tf.transpose(v[2]));
        const dPre = tf.mul(dHidden, tf.step(pre)) as tfjs.Tensor2D;
        grads[this.names[0]] = tf.add(tf.matMul(xT, dPre), tf.mul(v[0], this.options.l2));
        grads[this.names[1]] = tf.sum(dPre, 0, true);
      }
      this.optimizer.applyGradients(
        Object.entries(grads).map(([name, tensor]) => ({ name, tensor })),
      );
      return this.loss(probs, y, itemWeights, positive) as tfjs.Scalar;
    });
  }

  async probabilities(features: Float32Array): Promise<Float32Array> {
    const rows = features.length / this.shape.inputDim;
    const probs = this.tf.tidy(
      () => this.forward(this.tf.tensor2d(features, [rows, this.shape.inputDim])).probs,
    );
    const values = (await probs.data()) as Float32Array;
    probs.dispose();
    return values;
  }

  async snapshot(): Promise<Float32Array[]> {
    return Promise.all(
      this.variables.map(async (variable) => (await variable.data()) as Float32Array),
    );
  }

  dispose(): void {
    this.optimizer.dispose();
    this.variables.forEach((variable) => variable.dispose());
  }
}

interface Batch {
  x: Float32Array;
  xT: Float32Array;
  y: Float32Array;
  w: Float32Array;
}

function copyBatch(input: TrainHeadInput, indices: number[], itemWeights: Float32Array): Batch {
  const { inputDim: dim, labelCount } = input;
  const size = indices.length;
  const batch: Batch = {
    x: new Float32Array(size * dim),
    xT: new Float32Array(size * dim),
    y: new Float32Array(size * labelCount),
    w: new Float32Array(size),
  };
  indices.forEach((row, b) => {
    const source = input.train.features.subarray(row * dim, (row + 1) * dim);
    batch.x.set(source, b * dim);
    for (let j = 0; j < dim; j++) batch.xT[j * size + b] = source[j];
    batch.y.set(
      input.train.targets.subarray(row * labelCount, (row + 1) * labelCount),
      b * labelCount,
    );
    batch.w[b] = itemWeights[row];
  });
  return batch;
}

/** Validation loss (unweighted) and macro-F1 (argmax, or 0.5 per label). */
function validationScores(
  kind: ModelKind,
  probs: Float32Array,
  targets: Float32Array,
  labelCount: number,
) {
  let loss = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = Math.min(1 - LOG_EPSILON, Math.max(LOG_EPSILON, probs[i]));
    loss -=
      kind === 'classifier'
        ? targets[i] * Math.log(p)
        : targets[i] * Math.log(p) + (1 - targets[i]) * Math.log(1 - p);
  }
  const rows = probs.length / labelCount;
  const predicted =
    kind === 'classifier'
      ? oneHot(argmaxRows(probs, labelCount), labelCount)
      : probs.map((p) => (p >= 0.5 ? 1 : 0));
  return { valLoss: loss / rows, valMetric: macroF1(targets, predicted, labelCount) };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains a head. With validation rows it stops when validation loss has not improved for
 * `patience` epochs and returns the best epoch's weights; without, it runs every epoch.
 */
export async function trainHead(tf: Tf, input: TrainHeadInput): Promise<TrainedHead> {
  const options = headOptionsSchema.parse(input.options ?? {});
  const shape: HeadShape = {
    kind: input.kind,
    inputDim: input.inputDim,
    hiddenUnits: options.hiddenUnits,
    labelCount: input.labelCount,
  };
  const random = createRandom(options.seed);
  const trainer = new HeadTrainer(tf, shape, options, initialWeights(shape, random));
  const { itemWeights, positiveWeights } = lossWeights(input, options);
  const positive = tf.tensor2d(positiveWeights, [1, input.labelCount]);
  const rows = input.train.targets.length / input.labelCount;
  const order = Array.from({ length: rows }, (_, i) => i);

  const history: EpochReport[] = [];
  let best: { loss: number; epoch: number; values: Float32Array[] } | null = null;

  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      input.signal?.throwIfAborted();
      shuffleInPlace(order, random);

      let lossSum = 0;
      for (let start = 0; start < rows; start += options.batchSize) {
        const indices = order.slice(start, start + options.batchSize);
        const batch = copyBatch(input, indices, itemWeights);
        const dim = input.inputDim;
        const lossTensor = tf.tidy(() =>
          trainer.step(
            tf.tensor2d(batch.x, [indices.length, dim]),
            tf.tensor2d(batch.xT, [dim, indices.length]),
            tf.tensor2d(batch.y, [indices.length, input.labelCount]),
            tf.tensor2d(batch.w, [indices.length, 1]),
            positive,
          ),
        );
        lossSum += (await lossTensor.data())[0] * indices.length;
        lossTensor.dispose();
      }

      const report: EpochReport = {
        epoch,
        epochs: options.epochs,
        loss: lossSum / rows,
        valLoss: null,
        valMetric: null,
      };
      if (input.validation && input.validation.targets.length > 0) {
        const probs = await trainer.probabilities(input.validation.features);
        Object.assign(
          report,
          validationScores(input.kind, probs, input.validation.targets, input.labelCount),
        );
      }
      history.push(report);
      input.onEpoch?.(report);

      const monitored = report.valLoss ?? report.loss;
      if (!best || monitored < best.loss) {
        best = { loss: monitored, epoch, values: await trainer.snapshot() };
      } else if (report.valLoss !== null && epoch - best.epoch >= options.patience) {
        break;
      }
      await yieldToEventLoop();
    }

    const finalValues = best?.values ?? (await trainer.snapshot());
    return {
      weights: { shape, values: finalValues },
      epochsRun: history.length,
      bestEpoch: best?.epoch ?? history.length,
      history,
    };
  } finally {
    positive.dispose();
    trainer.dispose();
  }
}
