import type { ModelKind } from '@/db/schema';
import type { CurrentAnnotation } from '@/lib/annotation/annotation-repo';
import { labelSetStratum } from './split';

/**
 * Turns a snapshot of current annotations plus cached embeddings into the matrices a head
 * trains on. The labeler learns from every annotated item: a "none" annotation is an all-zero
 * target, which is how it learns to say "none of these". The classifier needs exactly one label
 * per item, so "none" and multi-label items are left out, and counted for the model card.
 */

export interface TrainingSet {
  kind: ModelKind;
  /** Label ids in the order of the model's outputs. */
  labelIds: number[];
  itemIds: number[];
  dim: number;
  /** itemIds.length × dim, row-major. */
  features: Float32Array;
  /** itemIds.length × labelIds.length, multi-hot (labeler) or one-hot (classifier). */
  targets: Float32Array;
  /** Split strata, one per row: the label set, or "none". */
  strata: string[];
  counts: TrainingSetCounts;
}

export interface TrainingSetCounts {
  annotated: number;
  used: number;
  /** Items annotated "none of these" that are in the set (labeler) or left out (classifier). */
  none: number;
  noneExcluded: number;
  multiLabelExcluded: number;
  missingEmbedding: number;
}

export interface TrainingSetInput {
  kind: ModelKind;
  labelIds: readonly number[];
  annotations: readonly Pick<CurrentAnnotation, 'itemId' | 'kind' | 'labelIds'>[];
  embeddings: ReadonlyMap<number, Float32Array>;
}

interface Row {
  itemId: number;
  outputs: number[];
  vector: Float32Array;
}

export function buildTrainingSet(input: TrainingSetInput): TrainingSet {
  const outputOf = new Map(input.labelIds.map((labelId, index) => [labelId, index]));
  const counts: TrainingSetCounts = {
    annotated: input.annotations.length,
    used: 0,
    none: 0,
    noneExcluded: 0,
    multiLabelExcluded: 0,
    missingEmbedding: 0,
  };
  const rows: Row[] = [];

  for (const annotation of input.annotations) {
    const isNone = annotation.kind === 'none';
    const outputs = isNone
      ? []
      : annotation.labelIds.flatMap((labelId) => outputOf.get(labelId) ?? []);
    if (isNone) counts.none++;
    if (!isNone && outputs.length === 0) continue;

    if (input.kind === 'classifier' && isNone) {
      counts.noneExcluded++;
      continue;
    }
    if (input.kind === 'classifier' && outputs.length > 1) {
      counts.multiLabelExcluded++;
      continue;
    }

    const vector = input.embeddings.get(annotation.itemId);
    if (!vector) {
      counts.missingEmbedding++;
      continue;
    }
    rows.push({ itemId: annotation.itemId, outputs, vector });
  }

  return toMatrices(input, rows, counts);
}

function toMatrices(input: TrainingSetInput, rows: Row[], counts: TrainingSetCounts): TrainingSet {
  const labelCount = input.labelIds.length;
  const dim = rows[0]?.vector.length ?? 0;
  const features = new Float32Array(rows.length * dim);
  const targets = new Float32Array(rows.length * labelCount);

  rows.forEach((row, index) => {
    if (row.vector.length !== dim) {
      throw new Error(
        `Item ${row.itemId} has a ${row.vector.length}-d embedding, expected ${dim}.`,
      );
    }
    features.set(row.vector, index * dim);
    for (const output of row.outputs) targets[index * labelCount + output] = 1;
  });
  counts.used = rows.length;

  return {
    kind: input.kind,
    labelIds: [...input.labelIds],
    itemIds: rows.map((row) => row.itemId),
    dim,
    features,
    targets,
    strata: rows.map((row) => labelSetStratum(row.outputs)),
    counts,
  };
}

/** The rows at `indices` of a row-major matrix with `width` columns. */
export function takeRows(
  matrix: Float32Array,
  width: number,
  indices: readonly number[],
): Float32Array {
  const out = new Float32Array(indices.length * width);
  indices.forEach((row, index) =>
    out.set(matrix.subarray(row * width, (row + 1) * width), index * width),
  );
  return out;
}
