/**
 * The one transform between a backbone's embedding and the heads: each row scaled to unit length
 * and then by sqrt(dim), so that every backbone gives inputs with root-mean-square 1. Backbones
 * differ a lot in feature scale (ReLU means of 0–6 against unit vectors), and the heads' learning
 * rate should not have to know which one it sits on.
 */

export const FEATURE_TRANSFORM = 'l2-times-sqrt-dim';

export function prepareFeatures(rows: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length);
  const scale = Math.sqrt(dim);
  for (let start = 0; start < rows.length; start += dim) {
    let squares = 0;
    for (let i = start; i < start + dim; i++) squares += rows[i] * rows[i];
    const factor = squares > 0 ? scale / Math.sqrt(squares) : 0;
    for (let i = start; i < start + dim; i++) out[i] = rows[i] * factor;
  }
  return out;
}

/** Rows scaled to unit length (zero rows stay zero). */
export function unitRows(rows: Float32Array, dim: number): Float32Array {
  const out = prepareFeatures(rows, dim);
  const scale = 1 / Math.sqrt(dim);
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/** Stacks vectors of equal length into one row-major array. */
export function stackRows(vectors: readonly Float32Array[], dim: number): Float32Array {
  const out = new Float32Array(vectors.length * dim);
  vectors.forEach((vector, index) => out.set(vector, index * dim));
  return out;
}
