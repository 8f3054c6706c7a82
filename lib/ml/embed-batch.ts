import type { ResizePolicy } from './backbone-spec';
import { floatsPerImage, type BackboneSpec } from './backbone-spec';
import type { LoadedBackbone } from './backbones';
import { normalizeInto, readRgb } from './preprocess';

/**
 * One batch of files through decoding and the backbone. Decoding (sharp, on libuv's thread pool)
 * and inference (TF.js, on the JS thread) are separate steps so that callers can decode the next
 * batch while the current one is being embedded.
 */

export interface BatchError {
  /** Position of the file within its batch. */
  offset: number;
  message: string;
}

export interface DecodedBatch {
  size: number;
  /** The images that decoded, packed NHWC in order. */
  pixels: Float32Array;
  /** For each packed image, its position within the batch. */
  offsets: number[];
  errors: BatchError[];
}

export interface BatchResult {
  vectors: (Float32Array | null)[];
  errors: BatchError[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Decodes every file of a batch; a file that fails becomes an error, not a rejection. */
export async function decodeBatch(
  files: string[],
  spec: BackboneSpec,
  resize: ResizePolicy = 'squish',
): Promise<DecodedBatch> {
  const settled = await Promise.allSettled(
    files.map((file) => readRgb(file, spec.inputSize, resize)),
  );
  const offsets: number[] = [];
  const errors: BatchError[] = [];

  settled.forEach((outcome, offset) => {
    if (outcome.status === 'fulfilled') offsets.push(offset);
    else errors.push({ offset, message: messageOf(outcome.reason) });
  });

  const perImage = floatsPerImage(spec);
  const pixels = new Float32Array(offsets.length * perImage);
  offsets.forEach((offset, row) => {
    const outcome = settled[offset] as PromiseFulfilledResult<Uint8Array>;
    normalizeInto(outcome.value, spec.normalization, pixels, row * perImage);
  });
  return { size: files.length, pixels, offsets, errors };
}

/** Embeds the decoded images; a failure of the model fails every image of the batch. */
export async function embedDecoded(
  backbone: LoadedBackbone,
  decoded: DecodedBatch,
): Promise<BatchResult> {
  const vectors: (Float32Array | null)[] = new Array<Float32Array | null>(decoded.size).fill(null);
  if (decoded.offsets.length === 0) return { vectors, errors: decoded.errors };

  try {
    const embedded = await backbone.embed(decoded.pixels);
    decoded.offsets.forEach((offset, row) => {
      vectors[offset] = embedded[row] ?? null;
    });
    return { vectors, errors: decoded.errors };
  } catch (error) {
    const message = `The ${backbone.spec.id} backbone failed: ${messageOf(error)}`;
    const failed = decoded.offsets.map((offset) => ({ offset, message }));
    return { vectors, errors: [...decoded.errors, ...failed] };
  }
}

/**
 * Embeds batches in order, decoding batch i + 1 while batch i is in the model. Stops between
 * batches when the signal aborts.
 */
export async function embedBatchesInOrder(
  backbone: LoadedBackbone,
  batches: string[][],
  onBatch: (batchIndex: number, result: BatchResult) => void,
  options: { resize?: ResizePolicy; signal?: AbortSignal } = {},
): Promise<void> {
  let next = batches[0] ? decodeBatch(batches[0], backbone.spec, options.resize) : undefined;

  for (let index = 0; next; index++) {
    options.signal?.throwIfAborted();
    const decoded = await next;
    const following = batches[index + 1];
    next = following ? decodeBatch(following, backbone.spec, options.resize) : undefined;
    onBatch(index, await embedDecoded(backbone, decoded));
  }
}
