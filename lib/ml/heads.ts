import type * as tfjs from '@tensorflow/tfjs';
import type { ModelKind } from '@/db/schema';
import type { Tf } from './backend';

/**
 * The two heads that sit on a frozen backbone's embeddings. The classifier is a dense softmax
 * layer (exactly one label per item); the labeler a dense sigmoid layer (each label on its own,
 * so zero, one or many). Both can have one ReLU hidden layer in front. The training loop keeps
 * its own weights; this module turns them into a serialisable TF.js layers model and runs it.
 */

/** Rows per call of `model.apply`: large enough to amortise dispatch, small enough for memory. */
export const SCORING_CHUNK_ROWS = 8192;

export interface HeadShape {
  kind: ModelKind;
  inputDim: number;
  /** 0 for a linear head. */
  hiddenUnits: number;
  labelCount: number;
}

/** Weights in layer order: [kernel, bias] per dense layer, kernels row-major (in × out). */
export interface HeadWeights {
  shape: HeadShape;
  values: Float32Array[];
}

export function outputActivation(kind: ModelKind): 'softmax' | 'sigmoid' {
  return kind === 'classifier' ? 'softmax' : 'sigmoid';
}

/** The [rows, cols] of each weight array in `HeadWeights.values`. */
export function weightShapes(shape: HeadShape): [number, number][] {
  if (shape.hiddenUnits === 0)
    return [
      [shape.inputDim, shape.labelCount],
      [1, shape.labelCount],
    ];
  return [
    [shape.inputDim, shape.hiddenUnits],
    [1, shape.hiddenUnits],
    [shape.hiddenUnits, shape.labelCount],
    [1, shape.labelCount],
  ];
}

/** A layers model with the head's architecture and the given weights. */
export function buildHeadModel(tf: Tf, weights: HeadWeights): tfjs.Sequential {
  const { shape } = weights;
  const model = tf.sequential();
  if (shape.hiddenUnits > 0) {
    model.add(
      tf.layers.dense({
        units: shape.hiddenUnits,
        activation: 'relu',
        inputShape: [shape.inputDim],
      }),
    );
    model.add(
      tf.layers.dense({ units: shape.labelCount, activation: outputActivation(shape.kind) }),
    );
  } else {
    model.add(
      tf.layers.dense({
        units: shape.labelCount,
        activation: outputActivation(shape.kind),
        inputShape: [shape.inputDim],
      }),
    );
  }

  const tensors = weights.values.map((values, index) => {
    const [rows, cols] = weightShapes(shape)[index];
    return index % 2 === 0 ? tf.tensor2d(values, [rows, cols]) : tf.tensor1d(values);
  });
  model.setWeights(tensors);
  tensors.forEach((tensor) => tensor.dispose());
  return model;
}

/** The head's shape read back from a loaded layers model. */
export function headShapeOf(model: tfjs.LayersModel, kind: ModelKind): HeadShape {
  const dense = model.layers;
  const [inputDim, firstUnits] = dense[0].getWeights()[0].shape as [number, number];
  const labelCount = dense[dense.length - 1].getWeights()[0].shape[1] as number;
  const hiddenUnits = dense.length > 1 ? firstUnits : 0;
  return { kind, inputDim, hiddenUnits, labelCount };
}

/**
 * Output probabilities for row-major features, through `apply` on chunks built from JS arrays:
 * `predict` on one large tensor slices it per batch at a cost that grows with the whole tensor.
 */
export async function headProbabilities(
  tf: Tf,
  model: tfjs.LayersModel,
  features: Float32Array,
  inputDim: number,
  chunkRows = SCORING_CHUNK_ROWS,
): Promise<Float32Array> {
  const rows = inputDim === 0 ? 0 : features.length / inputDim;
  const labelCount = (model.outputs[0].shape[1] as number) ?? 0;
  const out = new Float32Array(rows * labelCount);

  for (let start = 0; start < rows; start += chunkRows) {
    const end = Math.min(rows, start + chunkRows);
    const output = tf.tidy(() => {
      const input = tf.tensor2d(features.subarray(start * inputDim, end * inputDim), [
        end - start,
        inputDim,
      ]);
      return model.apply(input, { training: false }) as tfjs.Tensor2D;
    });
    out.set(await output.data(), start * labelCount);
    output.dispose();
  }
  return out;
}
