import fs from 'node:fs';
import path from 'node:path';
import type { GraphModel, LayersModel, Tensor } from '@tensorflow/tfjs';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import type { TfRuntime } from './backend';
import { floatsPerImage, type BackboneOverrides, type BackboneSpec } from './backbone-spec';
import { discoverModelFolders, folderBackboneSpec, isModelFolder } from './folder-backbone';
import { cutTopology } from './keras-topology';
import { readFolderArtifacts, readNsfwjsArtifacts } from './model-artifacts';

export type { BackboneSpec } from './backbone-spec';

/**
 * The registry of frozen feature extractors. Each turns a batch of preprocessed images into one
 * float vector per image, read at the network's pooling layer (not L2-normalised).
 */

const log = createLogger('ml:backbones');

/** nsfwjs networks expect pixels / 255. */
const UNIT_RANGE = { kind: 'range', min: 0, max: 1 } as const;

const MID_FEATURE_NODE =
  'StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/' +
  'StatefulPartitionedCall/StatefulPartitionedCall/predict/feature_vector/SpatialSqueeze';

// The nsfwjs networks end in a fixed 7×7 / 8×8 average pooling; the layers models are cut just
// before it and averaged here, so they accept any input size. The graph model cannot be cut
// that way (its input placeholder is fixed at 224).
const BUILT_IN: readonly BackboneSpec[] = [
  {
    id: 'mobilenet-v2',
    name: 'MobileNetV2 (nsfwjs)',
    description:
      'MobileNetV2 1.0 bundled with nsfwjs; fast; upper blocks tuned for NSFW detection.',
    source: { kind: 'nsfwjs', model: 'mobilenet_v2' },
    format: 'layers',
    inputSize: 224,
    flexibleInput: true,
    featureNode: 'out_relu',
    pooling: 'mean',
    normalization: UNIT_RANGE,
    dim: 1280,
  },
  {
    id: 'mobilenet-v2-mid',
    name: 'MobileNetV2 1.4 (nsfwjs "mid")',
    description: 'MobileNetV2 width 1.4 bundled with nsfwjs, graph model, fixed 224 px input.',
    source: { kind: 'nsfwjs', model: 'mobilenet_v2_mid' },
    format: 'graph',
    inputSize: 224,
    flexibleInput: false,
    featureNode: MID_FEATURE_NODE,
    pooling: 'none',
    normalization: UNIT_RANGE,
    dim: 1792,
  },
  {
    id: 'inception-v3',
    name: 'InceptionV3 (nsfwjs)',
    description:
      'InceptionV3 bundled with nsfwjs; richer features, about 8× slower than MobileNetV2.',
    source: { kind: 'nsfwjs', model: 'inception_v3' },
    format: 'layers',
    inputSize: 299,
    flexibleInput: true,
    featureNode: 'mixed10',
    pooling: 'mean',
    normalization: UNIT_RANGE,
    dim: 2048,
  },
];

export function builtInBackbones(): readonly BackboneSpec[] {
  return BUILT_IN;
}

/** The built-in backbones and every model folder under CURIO_BACKBONE_DIRS. */
export function listBackbones(): BackboneSpec[] {
  const folders = discoverModelFolders(env().CURIO_BACKBONE_DIRS).map((dir) =>
    folderBackboneSpec(dir),
  );
  return [...BUILT_IN, ...folders];
}

/** "mobilenet-v2@128" asks for mobilenet-v2 at 128 px; the suffix is part of the cache key. */
function splitSize(idOrPath: string): { base: string; size?: number } {
  const match = /^(.+)@(\d{2,4})$/.exec(idOrPath);
  return match ? { base: match[1] as string, size: Number(match[2]) } : { base: idOrPath };
}

function withInputSize(spec: BackboneSpec, size: number | undefined): BackboneSpec {
  if (size === undefined || size === spec.inputSize) return spec;
  if (!spec.flexibleInput) {
    throw new AppError(
      'bad_request',
      `The ${spec.id} backbone only takes ${spec.inputSize} px images, not ${size} px.`,
    );
  }
  return { ...spec, id: `${spec.id}@${size}`, inputSize: size };
}

function findSpec(base: string, overrides: BackboneOverrides): BackboneSpec | undefined {
  const builtIn = BUILT_IN.find((spec) => spec.id === base);
  if (builtIn) return builtIn;

  const configured = discoverModelFolders(env().CURIO_BACKBONE_DIRS)
    .map((dir) => folderBackboneSpec(dir, overrides))
    .find((spec) => spec.id === base);
  if (configured) return configured;

  const looksLikePath = base.includes(path.sep) || base.startsWith('.');
  if (looksLikePath && fs.existsSync(base) && isModelFolder(base)) {
    return folderBackboneSpec(base, overrides);
  }
  return undefined;
}

/**
 * The spec for a backbone id ("mobilenet-v2", "inception-v3@224", a configured folder's id) or a
 * model folder path. Overrides apply to folder backbones (see docs/ml-runtime.md).
 */
export function resolveBackbone(idOrPath: string, overrides: BackboneOverrides = {}): BackboneSpec {
  const { base, size } = splitSize(idOrPath.trim());
  const spec = findSpec(base, overrides);

  if (!spec) {
    const known = listBackbones().map((candidate) => candidate.id);
    throw new AppError(
      'not_found',
      `No backbone "${idOrPath}". Known: ${known.join(', ')}; or give a folder with a model.json.`,
    );
  }
  return withInputSize(spec, size ?? overrides.inputSize);
}

/** The backbone configured as the default (CURIO_BACKBONE). */
export function defaultBackbone(): BackboneSpec {
  return resolveBackbone(env().CURIO_BACKBONE);
}

export interface LoadedBackbone {
  spec: BackboneSpec;
  /** Images as one NHWC float array, already normalised (see preprocess.ts); one vector each. */
  embed(batch: Float32Array): Promise<Float32Array[]>;
  dispose(): void;
}

type FeatureModel = { run(input: Tensor): Tensor; dispose(): void };

async function readArtifacts(spec: BackboneSpec) {
  return spec.source.kind === 'nsfwjs'
    ? readNsfwjsArtifacts(spec.source.model)
    : readFolderArtifacts(spec.source.dir);
}

async function loadFeatureModel(spec: BackboneSpec, runtime: TfRuntime): Promise<FeatureModel> {
  const { tf } = runtime;
  const { artifacts } = await readArtifacts(spec);

  if (spec.format === 'graph') {
    const model: GraphModel = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
    const run = (input: Tensor) => {
      const output = spec.featureNode
        ? model.execute(input, spec.featureNode)
        : model.execute(input);
      return Array.isArray(output) ? (output[0] as Tensor) : output;
    };
    return { run, dispose: () => model.dispose() };
  }

  const modelTopology = spec.featureNode
    ? cutTopology(artifacts.modelTopology, spec.featureNode, spec.flexibleInput)
    : artifacts.modelTopology;
  // Not strict: the weights of the layers cut away are in the file but have nowhere to go.
  const handler = tf.io.fromMemory({ ...artifacts, modelTopology });
  const model: LayersModel = await tf.loadLayersModel(handler, { strict: false });
  assertAllWeightsLoaded(spec, model, artifacts.weightSpecs ?? []);
  return {
    run: (input) => model.apply(input, { training: false }) as Tensor,
    dispose: () => model.dispose(),
  };
}

/** Non-strict loading would keep random initial values for a weight missing from the file. */
function assertAllWeightsLoaded(
  spec: BackboneSpec,
  model: LayersModel,
  weightSpecs: { name: string }[],
): void {
  const available = new Set(weightSpecs.map((weight) => weight.name));
  const missing = model.weights.filter((weight) => !available.has(weight.originalName));
  if (missing.length === 0) return;

  model.dispose();
  const names = missing.slice(0, 3).map((weight) => weight.originalName);
  throw new Error(
    `The ${spec.id} weights lack ${missing.length} tensors, such as ${names.join(', ')}.`,
  );
}

function splitRows(data: Float32Array, count: number): Float32Array[] {
  const dim = data.length / count;
  return Array.from({ length: count }, (_, row) => data.slice(row * dim, (row + 1) * dim));
}

/** Builds a backbone's feature extractor on the given runtime; dispose() frees its weights. */
export async function loadBackbone(
  spec: BackboneSpec,
  runtime: TfRuntime,
): Promise<LoadedBackbone> {
  const { tf } = runtime;
  const startedAt = Date.now();
  const model = await loadFeatureModel(spec, runtime);
  const size = spec.inputSize;

  const durationMs = Date.now() - startedAt;
  log.info(`Loaded the ${spec.id} backbone on ${runtime.backend} in ${durationMs} ms.`);
  for (const assumption of spec.assumptions ?? []) {
    log.warn(`The ${spec.id} backbone is used with a guess: ${assumption}.`);
  }

  const embed = async (batch: Float32Array): Promise<Float32Array[]> => {
    const count = batch.length / floatsPerImage(spec);
    if (!Number.isInteger(count) || count < 1) {
      throw new Error(`A ${spec.id} batch must hold whole ${size}×${size}×3 images.`);
    }

    const features = tf.tidy(() => {
      const output = model.run(tf.tensor4d(batch, [count, size, size, 3]));
      return output.rank === 4 ? tf.mean(output, [1, 2]) : output.reshape([count, -1]);
    });
    try {
      return checkDim(spec, splitRows((await features.data()) as Float32Array, count));
    } finally {
      features.dispose();
    }
  };

  // The first run of a graph on wasm allocates and compiles as it goes; doing it here keeps
  // that cost out of the first real batch and out of the measured speed.
  await embed(new Float32Array(floatsPerImage(spec)));
  return { spec, embed, dispose: () => model.dispose() };
}

function checkDim(spec: BackboneSpec, vectors: Float32Array[]): Float32Array[] {
  const dim = vectors[0]?.length;
  if (spec.dim !== undefined && dim !== spec.dim) {
    throw new Error(`The ${spec.id} backbone produced ${dim}-d features, expected ${spec.dim}.`);
  }
  return vectors;
}
