import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { releaseResidentBackbone } from '@/lib/ml/embedder';
import {
  blobToVector,
  ensureEmbeddings,
  loadEmbeddings,
  loadEmbeddingsByItemIds,
  vectorToBlob,
} from '@/lib/ml/embedding-repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeCollection, makeItem } from '../../helpers/factories';
import { writePatternImage, type Pattern } from '../../helpers/pattern-images';

const BACKBONE = 'mobilenet-v2@64';
const PATTERNS: Pattern[] = ['stripes', 'checker', 'rings'];

let database: TestDatabase;

beforeEach(() => {
  database = createTestDatabase();
});

afterEach(async () => {
  await releaseResidentBackbone();
  database.close();
});

/** Items whose files are real images in the data directory; `brokenAt` gets a cut-off file. */
async function makeItems(collectionId: number, count: number, brokenAt?: number) {
  const folder = path.join(database.dir, 'items');
  fs.mkdirSync(folder, { recursive: true });

  const made = [];
  for (let index = 0; index < count; index++) {
    const filePath = `items/${collectionId}-${index}.png`;
    const file = path.join(database.dir, filePath);
    await writePatternImage(file, PATTERNS[index % 3] as Pattern, { shift: index, size: 72 });
    if (index === brokenAt) fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 120));
    made.push(makeItem(database.db, collectionId, { filePath }));
  }
  return made;
}

describe('vector blobs', () => {
  it('round-trip float32 values exactly, even from an unaligned buffer', () => {
    const vector = new Float32Array([0.1, -2.5, 3e-8, 1234.5]);
    const unaligned = Buffer.concat([Buffer.from([7]), vectorToBlob(vector)]).subarray(1);

    expect(Array.from(blobToVector(unaligned))).toEqual(Array.from(vector));
  });
});

describe('ensureEmbeddings', () => {
  it('embeds only what is missing, so a second run computes nothing', async () => {
    const { collection } = makeCollection(database.db);
    const items = await makeItems(collection.id, 5);
    const options = { collectionId: collection.id, backbone: BACKBONE, dataDir: database.dir };

    const first = await ensureEmbeddings(database.db, { ...options, batchSize: 2 });
    const second = await ensureEmbeddings(database.db, options);

    expect(first).toMatchObject({ backbone: BACKBONE, computed: 5, cached: 0, failed: [] });
    expect(second).toMatchObject({ computed: 0, cached: 5, failed: [] });
    const vectors = loadEmbeddings(database.db, collection.id, BACKBONE);
    expect([...vectors.keys()].sort()).toEqual(items.map((item) => item.id).sort());
    expect([...vectors.values()].every((vector) => vector.length === 1280)).toBe(true);
  });

  it('reports a corrupt item, keeps the others, and retries only that one later', async () => {
    const { collection } = makeCollection(database.db);
    const items = await makeItems(collection.id, 4, 2);
    const options = { collectionId: collection.id, backbone: BACKBONE, dataDir: database.dir };

    const first = await ensureEmbeddings(database.db, options);
    const broken = items[2]!;
    await writePatternImage(path.join(database.dir, broken.filePath), 'rings', { size: 72 });
    const second = await ensureEmbeddings(database.db, options);

    expect(first.computed).toBe(3);
    expect(first.failed).toEqual([{ itemId: broken.id, message: expect.stringContaining('.png') }]);
    expect(second).toMatchObject({ computed: 1, cached: 3, failed: [] });
  });

  it('keeps vectors of different backbones and collections apart', async () => {
    const { collection } = makeCollection(database.db);
    const { collection: other } = makeCollection(database.db);
    const [item] = await makeItems(collection.id, 1);
    await makeItems(other.id, 1);

    await ensureEmbeddings(database.db, {
      collectionId: collection.id,
      backbone: BACKBONE,
      dataDir: database.dir,
    });

    expect(loadEmbeddings(database.db, collection.id, BACKBONE).size).toBe(1);
    expect(loadEmbeddings(database.db, other.id, BACKBONE).size).toBe(0);
    expect(loadEmbeddings(database.db, collection.id, 'mobilenet-v2').size).toBe(0);
    const byId = loadEmbeddingsByItemIds(database.db, [item!.id, 999_999], BACKBONE);
    expect([...byId.keys()]).toEqual([item!.id]);
  });
});
