import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTf, type TfRuntime } from '@/lib/ml/backend';
import { loadBackbone, resolveBackbone, type LoadedBackbone } from '@/lib/ml/backbones';
import { preprocessImage } from '@/lib/ml/preprocess';
import { cosineSimilarity, writePatternImage, type Pattern } from '../../helpers/pattern-images';
import { sharedPath } from '../../helpers/shared-material';

// A small input keeps the suite fast; mobilenet-v2 is cut before its fixed pooling for this.
const BACKBONE = 'mobilenet-v2@96';
const SHARED_BACKBONE = sharedPath('backbones', 'mobilenet-v1-imagenet-pw12');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-backbones-'));
let runtime: TfRuntime;
let backbone: LoadedBackbone;

beforeAll(async () => {
  runtime = await initTf();
  backbone = await loadBackbone(resolveBackbone(BACKBONE), runtime);
});

afterAll(() => {
  backbone.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function embedPattern(pattern: Pattern, shift = 0): Promise<Float32Array> {
  const file = await writePatternImage(path.join(dir, `${pattern}-${shift}.png`), pattern, {
    shift,
  });
  const pixels = await preprocessImage(file, backbone.spec);
  const [vector] = await backbone.embed(pixels);
  return vector as Float32Array;
}

describe('resolveBackbone', () => {
  it('knows the three nsfwjs networks with their feature sizes', () => {
    expect(resolveBackbone('mobilenet-v2')).toMatchObject({ inputSize: 224, dim: 1280 });
    expect(resolveBackbone('mobilenet-v2-mid')).toMatchObject({ inputSize: 224, dim: 1792 });
    expect(resolveBackbone('inception-v3')).toMatchObject({ inputSize: 299, dim: 2048 });
  });

  it('keys a resized backbone by its size so its vectors are cached apart', () => {
    expect(resolveBackbone('mobilenet-v2@128')).toMatchObject({
      id: 'mobilenet-v2@128',
      inputSize: 128,
    });
  });

  it('refuses another size for a graph model whose input is fixed', () => {
    expect(() => resolveBackbone('mobilenet-v2-mid@128')).toThrow(/only takes 224 px/);
  });

  it('lists the known backbones when asked for an unknown one', () => {
    expect(() => resolveBackbone('resnet-9000')).toThrow(/Known: mobilenet-v2, mobilenet-v2-mid/);
  });
});

describe('a loaded backbone', () => {
  it('gives one 1280-d vector per image of a batch', async () => {
    const file = await writePatternImage(path.join(dir, 'batch.png'), 'rings');
    const one = await preprocessImage(file, backbone.spec);
    const batch = new Float32Array(one.length * 3);
    [0, 1, 2].forEach((row) => batch.set(one, row * one.length));

    const vectors = await backbone.embed(batch);

    expect(vectors).toHaveLength(3);
    expect(vectors.every((vector) => vector.length === 1280)).toBe(true);
    expect(Array.from(vectors[2] as Float32Array)).toEqual(Array.from(vectors[0] as Float32Array));
  });

  it('gives the same vector for the same image every time', async () => {
    const first = await embedPattern('stripes');
    const second = await embedPattern('stripes');

    expect(Array.from(second)).toEqual(Array.from(first));
    expect(first.some((value) => value > 0)).toBe(true);
  });

  it('places a slightly brighter copy nearer than a different pattern', async () => {
    const stripes = await embedPattern('stripes');
    const brighter = await embedPattern('stripes', 15);
    const checker = await embedPattern('checker');

    expect(cosineSimilarity(stripes, brighter)).toBeGreaterThan(cosineSimilarity(stripes, checker));
  });

  it('leaves no tensors behind', async () => {
    await embedPattern('rings');
    const before = runtime.tf.memory().numTensors;

    await embedPattern('rings', 5);
    await embedPattern('checker', 5);

    expect(runtime.tf.memory().numTensors).toBe(before);
  });

  it('frees its weights when disposed', async () => {
    const before = runtime.tf.memory().numTensors;
    const extra = await loadBackbone(resolveBackbone('mobilenet-v2@64'), runtime);
    expect(runtime.tf.memory().numTensors).toBeGreaterThan(before);

    extra.dispose();

    expect(runtime.tf.memory().numTensors).toBe(before);
  });
});

describe('a backbone from a model folder', () => {
  async function saveTinyModel(folder: string): Promise<void> {
    const { tf } = runtime;
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 6, kernelSize: 3, name: 'conv' }),
        tf.layers.globalAveragePooling2d({ name: 'gap' }),
        tf.layers.dense({ units: 2, name: 'logits' }),
      ],
    });
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        fs.mkdirSync(folder, { recursive: true });
        const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
        const json = { modelTopology: artifacts.modelTopology, weightsManifest: manifest };
        fs.writeFileSync(path.join(folder, 'model.json'), JSON.stringify(json));
        fs.writeFileSync(
          path.join(folder, 'weights.bin'),
          Buffer.from(artifacts.weightData as ArrayBuffer),
        );
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    model.dispose();
  }

  it('reads the feature layer from its descriptor', async () => {
    const folder = path.join(dir, 'tiny');
    await saveTinyModel(folder);
    const descriptor = { id: 'tiny', featureNode: 'conv', pooling: 'mean', inputSize: 48 };
    fs.writeFileSync(path.join(folder, 'curio-backbone.json'), JSON.stringify(descriptor));

    const spec = resolveBackbone(folder);
    const loaded = await loadBackbone(spec, runtime);
    const vectors = await loaded.embed(new Float32Array(2 * 48 * 48 * 3).fill(0.5));
    loaded.dispose();

    expect(spec).toMatchObject({
      id: 'tiny',
      format: 'layers',
      inputSize: 48,
      flexibleInput: true,
    });
    expect(vectors.map((vector) => vector.length)).toEqual([6, 6]);
  });

  it('infers the global pooling layer and input size without a descriptor', async () => {
    const folder = path.join(dir, 'Bare Model');
    await saveTinyModel(folder);

    const spec = resolveBackbone(folder);

    expect(spec).toMatchObject({
      id: 'bare-model',
      featureNode: 'gap',
      pooling: 'none',
      inputSize: 32,
    });
    expect(spec.assumptions).toHaveLength(1);
  });

  it('rejects a descriptor with a bad field, naming it', async () => {
    const folder = path.join(dir, 'bad');
    await saveTinyModel(folder);
    fs.writeFileSync(
      path.join(folder, 'curio-backbone.json'),
      JSON.stringify({ id: 'bad', pooling: 'max' }),
    );

    expect(() => resolveBackbone(folder)).toThrow(/curio-backbone\.json is invalid: pooling/);
  });

  it.skipIf(!fs.existsSync(SHARED_BACKBONE))(
    'loads the read-only ImageNet MobileNet folder',
    async () => {
      const spec = resolveBackbone(SHARED_BACKBONE, {
        normalization: { kind: 'range', min: -1, max: 1 },
      });
      const loaded = await loadBackbone(spec, runtime);
      const [vector] = await loaded.embed(new Float32Array(224 * 224 * 3));
      loaded.dispose();

      expect(spec).toMatchObject({ featureNode: 'features_gap', inputSize: 224, assumptions: [] });
      expect(vector).toHaveLength(1024);
    },
  );
});
