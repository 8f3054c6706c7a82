import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appendAnnotations } from '@/lib/annotation/annotation-repo';
import { run as predictCommand } from '@/lib/cli/commands/predict';
import { extractZip } from '@/lib/export/extract-zip';
import { modelArchive } from '@/lib/export/model-export';
import { listPredictions } from '@/lib/ml/prediction-repo';
import { predictFiles } from '@/lib/ml/predict-files';
import { trainCollection } from '@/lib/ml/train-collection';
import { createTestDatabase, type TestDatabase } from '@/tests/helpers/db';
import { makeCollection, makeItem } from '@/tests/helpers/factories';
import { listFixtureImages } from '@/tests/helpers/image-fixtures';

const QUICK = { head: { epochs: 40, learningRate: 0.01, batchSize: 8 }, seed: 3 };
const BACKBONE = 'mobilenet-v2@96';

describe('an exported model labels files outside the app', () => {
  let database: TestDatabase;
  let zipFile: string;
  let modelId: number;
  const files: { itemId: number; file: string }[] = [];

  beforeAll(async () => {
    database = createTestDatabase();
    const images = listFixtureImages();
    const classNames = [...new Set(images.map((image) => image.className))];
    const { collection, labels } = makeCollection(database.db, classNames, 'multi');
    fs.mkdirSync(path.join(database.dir, 'items'), { recursive: true });
    for (const image of images) {
      const filePath = path.join('items', path.basename(image.file));
      fs.copyFileSync(image.file, path.join(database.dir, filePath));
      const item = makeItem(database.db, collection.id, { filePath });
      files.push({ itemId: item.id, file: image.file });
      const label = labels[classNames.indexOf(image.className)];
      appendAnnotations(database.db, [
        { itemId: item.id, userId: null, labelIds: [label.id], none: false, source: 'human' },
      ]);
    }

    const [trained] = await trainCollection({
      db: database.db,
      dataDir: database.dir,
      collectionId: collection.id,
      kinds: ['labeler'],
      backbone: BACKBONE,
      options: QUICK,
    });
    modelId = trained.modelId;
    zipFile = path.join(database.dir, 'model.zip');
    const archive = modelArchive(database.db, database.dir, modelId);
    await pipeline(Readable.from(archive.body), fs.createWriteStream(zipFile));
  }, 120_000);

  afterAll(() => database.close());

  it('gives the probabilities the app stored for the same images', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-predict-'));
    await extractZip(zipFile, folder);
    const sample = files.slice(0, 4);

    const result = await predictFiles(
      folder,
      sample.map((entry) => entry.file),
    );
    fs.rmSync(folder, { recursive: true, force: true });

    const stored = new Map(listPredictions(database.db, modelId).map((p) => [p.itemId, p]));
    result.predictions.forEach((prediction, index) => {
      const app = stored.get(sample[index].itemId);
      expect(prediction.error).toBeNull();
      const names = result.card.labels.map((label) => label.name);
      names.forEach((name, label) => {
        expect(prediction.probabilities[name]).toBeCloseTo(app?.probabilities[label] ?? -1, 3);
      });
      expect(prediction.noneOfThese).toBe(app?.noLabel);
      expect(prediction.outOfScope).toBe(app?.isNovel);
    });
  });

  it('runs as "curio predict --model <zip> --json" and exits 0', async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const code = await predictCommand(['--model', zipFile, '--json', files[0].file]);
      expect(code).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const output = JSON.parse(written.join('')) as { file: string; labels: string[] }[];
    expect(output).toHaveLength(1);
    expect(output[0].file).toBe(files[0].file);
  });

  it('exits 1 for a file that is not an image', async () => {
    const notImage = path.join(database.dir, 'notes.txt');
    fs.writeFileSync(notImage, 'not an image');
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await predictCommand(['--model', zipFile, notImage])).toBe(1);
    } finally {
      spy.mockRestore();
    }
  });
});
