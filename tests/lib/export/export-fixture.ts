import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { items, type AnnotationMode } from '@/db/schema';
import { appendAnnotation } from '@/lib/annotation/annotation-repo';
import type { Label } from '@/lib/collections/collection-repo';
import type { Collection } from '@/lib/collections/collection-repo';
import { activateReadyModel, createTrainingModel } from '@/lib/ml/model-repo';
import { replacePredictions } from '@/lib/ml/prediction-repo';
import type { ScoreResult } from '@/lib/ml/scoring';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeCollection, makeUser } from '../../helpers/factories';
import { addStoredItem } from '../../helpers/items';

/**
 * A small labelled collection of real stored images for export tests: `perLabel` images of each
 * label annotated by a curator, one "none of these", one unannotated item, Dublin Core metadata
 * on every item, and optionally an active model with predictions for every item.
 */

export interface ExportFixture {
  testDb: TestDatabase;
  db: Db;
  dataDir: string;
  collection: Collection;
  labels: Label[];
  curatorName: string;
  /** content hash → the label names a person gave it ([] for none, null for unannotated). */
  expected: Map<string, string[] | null>;
  modelId: number | null;
  close(): void;
}

export async function buildExportFixture(
  options: {
    labelNames?: string[];
    mode?: AnnotationMode;
    perLabel?: number;
    withModel?: boolean;
  } = {},
): Promise<ExportFixture> {
  const testDb = createTestDatabase();
  const { db } = testDb;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-export-data-'));
  const { collection, labels } = makeCollection(
    db,
    options.labelNames ?? ['amulet', 'scarab'],
    options.mode ?? 'single',
  );
  const curator = makeUser(db, 'curator');
  const expected = new Map<string, string[] | null>();
  const perLabel = options.perLabel ?? 5;
  let seed = 1;

  const addItem = async (annotate: (itemId: number) => string[] | null) => {
    const item = await addStoredItem(db, dataDir, collection.id, { seed: seed++ });
    db.update(items)
      .set({
        identifier: `OBJ-${item.id}`,
        metadata: { 'dcterms:title': `Object ${item.id}`, 'dcterms:rights': 'CC0 1.0' },
      })
      .where(eq(items.id, item.id))
      .run();
    expected.set(item.contentHash, annotate(item.id));
    return item;
  };

  for (const label of labels) {
    for (let n = 0; n < perLabel; n++) {
      await addItem((itemId) => {
        appendAnnotation(db, {
          itemId,
          userId: curator.id,
          labelIds: [label.id],
          none: false,
          source: 'human',
        });
        return [label.name];
      });
    }
  }
  await addItem((itemId) => {
    appendAnnotation(db, { itemId, userId: curator.id, labelIds: [], none: true, source: 'human' });
    return [];
  });
  await addItem(() => null);

  const modelId = options.withModel ? addModel(db, collection.id, labels) : null;
  return {
    testDb,
    db,
    dataDir,
    collection,
    labels,
    curatorName: curator.name,
    expected,
    modelId,
    close() {
      testDb.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An active classifier whose predictions say the first label, at 0.9, for every item. */
function addModel(db: Db, collectionId: number, labels: Label[]): number {
  const model = createTrainingModel(db, {
    collectionId,
    kind: 'classifier',
    backbone: 'mobilenet-v2@96',
    backend: 'cpu',
    labelIds: labels.map((label) => label.id),
    seed: 1,
    snapshotAnnotationId: null,
  });
  activateReadyModel(db, model.id, {
    thresholds: null,
    noveltyThreshold: null,
    metrics: {},
    card: {},
    trainCount: 0,
    validationCount: 0,
    durationMs: 1,
    artifactPath: `models/${model.id}`,
  });

  const itemIds = db
    .select({ id: items.id })
    .from(items)
    .where(eq(items.collectionId, collectionId))
    .all()
    .map((row) => row.id);
  const count = itemIds.length;
  const labelCount = labels.length;
  const probabilities = new Float32Array(count * labelCount);
  const predicted = new Uint8Array(count * labelCount);
  for (let row = 0; row < count; row++) {
    for (let label = 0; label < labelCount; label++) {
      probabilities[row * labelCount + label] = label === 0 ? 0.9 : 0.1 / (labelCount - 1);
    }
    predicted[row * labelCount] = 1;
  }
  const result: ScoreResult = {
    count,
    labelCount,
    probabilities,
    predicted,
    labelEntropy: new Float32Array(count * labelCount),
    topIndex: new Int32Array(count),
    topProbability: new Float32Array(count).fill(0.9),
    uncertainty: new Float32Array(count).fill(0.3),
    margin: new Float32Array(count).fill(0.8),
    novelty: new Float32Array(count).fill(0.2),
    isNovel: new Uint8Array(count),
    noLabel: new Uint8Array(count),
  };
  replacePredictions(
    db,
    model.id,
    itemIds,
    labels.map((label) => label.id),
    result,
  );
  return model.id;
}

/** Collects an export's bytes (tests only; the app never does this). */
export async function collect(body: AsyncIterable<string | Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}
