import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTf } from '@/lib/ml/backend';
import { embedFiles, releaseResidentBackbone } from '@/lib/ml/embedder';
import { writePatternImage, type Pattern } from '../../helpers/pattern-images';

const BACKBONE = 'mobilenet-v2@64';
const PATTERNS: Pattern[] = ['stripes', 'checker', 'rings'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-embedder-'));
const files: string[] = [];

beforeAll(async () => {
  for (let index = 0; index < 9; index++) {
    const pattern = PATTERNS[index % PATTERNS.length] as Pattern;
    const file = path.join(dir, `image-${index}.${index % 2 === 0 ? 'png' : 'jpg'}`);
    files.push(await writePatternImage(file, pattern, { shift: index * 3, size: 80 }));
  }
  const broken = path.join(dir, 'broken.jpg');
  fs.writeFileSync(broken, fs.readFileSync(files[1] as string).subarray(0, 200));
  files.splice(4, 0, broken);
});

afterAll(async () => {
  await releaseResidentBackbone();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('embedFiles', () => {
  it('keeps the order, and a bad file gets null and an error while the rest go on', async () => {
    const progress: number[] = [];

    const result = await embedFiles(files, {
      backbone: BACKBONE,
      batchSize: 4,
      workers: 1,
      onProgress: (done) => progress.push(done),
    });

    expect(result.backbone).toBe(BACKBONE);
    expect(result.workers).toBe(0);
    expect(result.vectors).toHaveLength(files.length);
    expect(result.vectors[4]).toBeNull();
    expect(result.errors).toEqual([
      { index: 4, file: files[4], message: expect.stringContaining('broken.jpg') },
    ]);
    expect(result.vectors.filter((vector) => vector?.length === 1280)).toHaveLength(
      files.length - 1,
    );
    expect(progress).toEqual([4, 8, 10]);
  });

  it('returns the same vectors from the worker pool as in-process', async () => {
    const inProcess = await embedFiles(files, { backbone: BACKBONE, batchSize: 3, workers: 1 });

    const pooled = await embedFiles(files, { backbone: BACKBONE, batchSize: 3, workers: 2 });

    expect(pooled.workers).toBe(2);
    expect(pooled.errors.map((error) => error.index)).toEqual([4]);
    pooled.vectors.forEach((vector, index) => {
      const expected = inProcess.vectors[index];
      if (!expected) return expect(vector).toBeNull();
      expect(Array.from(vector as Float32Array)).toEqual(Array.from(expected));
    });
  });

  it('runs two in-process jobs with different backbones at once, then frees both', async () => {
    const { tf } = await initTf();
    await releaseResidentBackbone();
    const before = tf.memory().numTensors;

    const [small, smaller] = await Promise.all([
      embedFiles(files, { backbone: BACKBONE, batchSize: 2, workers: 1 }),
      embedFiles(files, { backbone: 'mobilenet-v2@48', batchSize: 2, workers: 1 }),
    ]);
    await releaseResidentBackbone();

    expect(small.errors).toHaveLength(1);
    expect(smaller.errors).toHaveLength(1);
    expect(smaller.backbone).toBe('mobilenet-v2@48');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between batches when aborted', async () => {
    const controller = new AbortController();

    const run = embedFiles(files, {
      backbone: BACKBONE,
      batchSize: 2,
      workers: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('cancelled by the test')),
    });

    await expect(run).rejects.toThrow('cancelled by the test');
  });

  it('stops the worker pool when aborted', async () => {
    const controller = new AbortController();

    const run = embedFiles(files, {
      backbone: BACKBONE,
      batchSize: 2,
      workers: 2,
      signal: controller.signal,
      onProgress: () => controller.abort(new Error('cancelled during the pool run')),
    });

    await expect(run).rejects.toThrow('cancelled during the pool run');
  });
});
