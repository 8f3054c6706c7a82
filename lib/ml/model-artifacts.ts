import fs from 'node:fs/promises';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { z } from 'zod';
import { nodeRequire } from './node-require';

/**
 * Reads TF.js model artifacts (topology, weight specs, weight bytes) from the nsfwjs package or
 * from a model folder, without going through tfjs' file:// or http:// loaders, which need
 * tfjs-node or a server.
 */

const weightGroupSchema = z.object({
  paths: z.array(z.string().min(1)),
  weights: z.array(z.looseObject({ name: z.string(), shape: z.array(z.number()) })),
});

export const modelJsonSchema = z.looseObject({
  format: z.string().optional(),
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(weightGroupSchema),
  signature: z.unknown().optional(),
  userDefinedMetadata: z.record(z.string(), z.unknown()).optional(),
});
export type ModelJson = z.infer<typeof modelJsonSchema>;

/** The folder of nsfwjs' bundled models; resolved, not hard-coded, so hoisting does not matter. */
export function nsfwjsModelsDir(): string {
  // The package only exports its entry points; dist/cjs/index.js sits two levels below dist/.
  return path.join(path.dirname(nodeRequire().resolve('nsfwjs')), '..', 'models');
}

/** Loads one of nsfwjs' UMD .min.js modules and drops it from the require cache. */
function requireBundle(file: string): unknown {
  const load = nodeRequire();
  const value: unknown = load(file);
  delete load.cache[file];
  return value;
}

function concatBytes(parts: Uint8Array[]): ArrayBuffer {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined.buffer;
}

function toArtifacts(modelJson: ModelJson, weightParts: Uint8Array[]): io.ModelArtifacts {
  return {
    format: modelJson.format,
    // The topology is handed to tfjs as is; tfjs validates it while building the model.
    modelTopology: modelJson.modelTopology as io.ModelArtifacts['modelTopology'],
    weightSpecs: modelJson.weightsManifest.flatMap(
      (group) => group.weights as unknown as io.WeightsManifestEntry[],
    ),
    weightData: concatBytes(weightParts),
    userDefinedMetadata: modelJson.userDefinedMetadata as io.ModelArtifacts['userDefinedMetadata'],
  };
}

/** The model.json of a bundled nsfwjs model. */
export function readNsfwjsModelJson(model: string): ModelJson {
  const file = path.join(nsfwjsModelsDir(), model, 'model.min.js');
  return modelJsonSchema.parse(requireBundle(file));
}

/**
 * The artifacts of a bundled nsfwjs model. nsfwjs itself decodes the base64 weights one
 * character at a time (11–84 s); Buffer.from does the same work natively in well under a second.
 */
export function readNsfwjsArtifacts(model: string): {
  modelJson: ModelJson;
  artifacts: io.ModelArtifacts;
} {
  const modelJson = readNsfwjsModelJson(model);
  const parts = modelJson.weightsManifest.flatMap((group) =>
    group.paths.map((shard) => {
      const base64 = z
        .string()
        .parse(requireBundle(path.join(nsfwjsModelsDir(), model, `${shard}.min.js`)));
      return new Uint8Array(Buffer.from(base64, 'base64'));
    }),
  );
  return { modelJson, artifacts: toArtifacts(modelJson, parts) };
}

export async function readFolderModelJson(dir: string): Promise<ModelJson> {
  const text = await fs.readFile(path.join(dir, 'model.json'), 'utf8');
  return modelJsonSchema.parse(JSON.parse(text));
}

/** A shard's file, refusing names that would leave the model folder. */
function shardFile(dir: string, shard: string): string {
  const file = path.resolve(dir, shard);
  if (path.dirname(file) !== path.resolve(dir)) {
    throw new Error(`model.json in ${dir} names a weight file outside its folder: ${shard}`);
  }
  return file;
}

/** The artifacts of a TF.js model folder: model.json and the shard files it names. */
export async function readFolderArtifacts(dir: string): Promise<{
  modelJson: ModelJson;
  artifacts: io.ModelArtifacts;
}> {
  const modelJson = await readFolderModelJson(dir);
  const shardPaths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const parts = await Promise.all(
    shardPaths.map(async (shard) => new Uint8Array(await fs.readFile(shardFile(dir, shard)))),
  );
  return { modelJson, artifacts: toArtifacts(modelJson, parts) };
}
