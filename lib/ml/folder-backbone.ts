import fs from 'node:fs';
import path from 'node:path';
import {
  backboneDescriptorSchema,
  type BackboneDescriptor,
  type BackboneOverrides,
  type BackboneSpec,
  type Normalization,
} from './backbone-spec';
import { inputSizeOf, listLayers } from './keras-topology';
import { modelJsonSchema, type ModelJson } from './model-artifacts';

/**
 * Backbones an admin supplies as a TF.js model folder: `model.json`, its weight shards, and
 * optionally `curio-backbone.json` describing how to use it. Without the descriptor (the folder
 * may be read-only) Curio infers what model.json tells and the caller may override the rest.
 */

export const DESCRIPTOR_FILE = 'curio-backbone.json';

/** Keras and TF Hub MobileNets, the commonest backbones, expect x / 127.5 − 1. */
const GUESSED_NORMALIZATION: Normalization = { kind: 'range', min: -1, max: 1 };
const FALLBACK_INPUT_SIZE = 224;
const GLOBAL_POOLING_LAYERS = new Set(['GlobalAveragePooling2D', 'GlobalMaxPooling2D']);

export function isModelFolder(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'model.json'));
}

function readJsonFile(file: string): unknown {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function readDescriptor(dir: string): BackboneDescriptor | undefined {
  const file = path.join(dir, DESCRIPTOR_FILE);
  if (!fs.existsSync(file)) return undefined;

  const result = backboneDescriptorSchema.safeParse(readJsonFile(file));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`${file} is invalid: ${problems.join('; ')}`);
  }
  return result.data;
}

/** The id a folder gets without a descriptor: its name, made safe for a cache key. */
function idFromFolder(dir: string): string {
  const base = path.basename(path.resolve(dir)).toLowerCase();
  return base.replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'folder-backbone';
}

function graphInputSize(modelJson: ModelJson): number | undefined {
  const nodes = (modelJson.modelTopology as { node?: unknown }).node;
  if (!Array.isArray(nodes)) return undefined;

  const placeholder = nodes.find(
    (node): node is { op: string; attr?: { shape?: { shape?: { dim?: { size: string }[] } } } } =>
      typeof node === 'object' && node !== null && (node as { op?: unknown }).op === 'Placeholder',
  );
  const dims = placeholder?.attr?.shape?.shape?.dim?.map((dim) => Number(dim.size));
  return dims && dims[1] !== undefined && dims[1] > 0 ? dims[1] : undefined;
}

interface InferredFields {
  format: 'layers' | 'graph';
  inputSize?: number;
  featureNode?: string;
  pooling: 'mean' | 'none';
  flexibleInput: boolean;
}

/** What model.json alone tells: format, input size, and the last global pooling layer. */
export function inferFromModelJson(modelJson: ModelJson): InferredFields {
  if (modelJson.format === 'graph-model') {
    return {
      format: 'graph',
      inputSize: graphInputSize(modelJson),
      pooling: 'mean',
      flexibleInput: false,
    };
  }

  const layers = listLayers(modelJson.modelTopology);
  const pooling = layers.filter((layer) => GLOBAL_POOLING_LAYERS.has(layer.className)).at(-1);
  return {
    format: 'layers',
    inputSize: inputSizeOf(modelJson.modelTopology),
    featureNode: pooling?.name,
    pooling: pooling ? 'none' : 'mean',
    // Everything before a global pooling layer is convolutional, so any input size works.
    flexibleInput: pooling !== undefined,
  };
}

/** The spec of a model folder, from its descriptor, model.json and the caller's overrides. */
export function folderBackboneSpec(dir: string, overrides: BackboneOverrides = {}): BackboneSpec {
  const folder = path.resolve(dir);
  const modelJson = modelJsonSchema.parse(readJsonFile(path.join(folder, 'model.json')));
  const descriptor = { ...readDescriptor(folder), ...overrides };
  const inferred = inferFromModelJson(modelJson);

  const assumptions = descriptor.normalization
    ? []
    : [`pixels scaled to [-1, 1] (no "normalization" in ${DESCRIPTOR_FILE})`];
  const id = descriptor.id ?? idFromFolder(folder);
  return {
    id,
    name: descriptor.name ?? id,
    description: descriptor.description ?? `TF.js ${inferred.format} model from ${folder}`,
    source: { kind: 'folder', dir: folder },
    format: descriptor.format ?? inferred.format,
    inputSize: descriptor.inputSize ?? inferred.inputSize ?? FALLBACK_INPUT_SIZE,
    flexibleInput: inferred.flexibleInput,
    featureNode: descriptor.featureNode ?? inferred.featureNode,
    pooling: descriptor.pooling ?? inferred.pooling,
    normalization: descriptor.normalization ?? GUESSED_NORMALIZATION,
    dim: descriptor.dim,
    assumptions,
  };
}

/** Model folders under the configured roots: a root is a model folder or holds model folders. */
export function discoverModelFolders(roots: string[]): string[] {
  return roots.flatMap((root) => {
    if (isModelFolder(root)) return [path.resolve(root)];
    if (!fs.existsSync(root)) return [];
    return fs
      .readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isModelFolder(path.join(root, entry.name)))
      .map((entry) => path.resolve(root, entry.name));
  });
}
