import { and, desc, eq, max } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { annotations, items, models, type ModelKind } from '@/db/schema';

/**
 * The `models` table: a row is written when training starts (status training) and becomes ready
 * and active in one transaction, which also deactivates the kind's previous active model, so a
 * collection never has two active models of a kind, nor none while a new one is being swapped in.
 */

export type ModelRow = typeof models.$inferSelect;

export interface NewTrainingModel {
  collectionId: number;
  kind: ModelKind;
  backbone: string;
  backend: string;
  labelIds: number[];
  seed: number;
  snapshotAnnotationId: number | null;
  jobId?: number | null;
  createdBy?: number | null;
}

export function createTrainingModel(db: Db, input: NewTrainingModel): ModelRow {
  return db
    .insert(models)
    .values({ ...input, status: 'training', active: false })
    .returning()
    .get();
}

export interface ReadyModelFields {
  thresholds: number[] | null;
  noveltyThreshold: number | null;
  metrics: Record<string, unknown>;
  card: Record<string, unknown>;
  trainCount: number;
  validationCount: number;
  durationMs: number;
  artifactPath: string;
}

/**
 * Makes a model the active one of its kind, deactivating the previous one in the same
 * transaction (a partial unique index allows one active model per collection and kind). Training
 * passes the fields that make a new model ready; a roll-back passes none.
 */
export function activateModel(
  db: Db,
  modelId: number,
  fields: Partial<ReadyModelFields> & { status?: 'ready' } = {},
): ModelRow {
  return db.transaction((tx) => {
    const row = tx.select().from(models).where(eq(models.id, modelId)).get();
    if (!row) throw new Error(`Model ${modelId} does not exist.`);

    tx.update(models)
      .set({ active: false })
      .where(
        and(
          eq(models.collectionId, row.collectionId),
          eq(models.kind, row.kind),
          eq(models.active, true),
        ),
      )
      .run();
    return tx
      .update(models)
      .set({ ...fields, active: true })
      .where(eq(models.id, modelId))
      .returning()
      .get();
  });
}

/** Marks a freshly trained model ready and makes it the active one of its kind, atomically. */
export function activateReadyModel(db: Db, modelId: number, fields: ReadyModelFields): ModelRow {
  return activateModel(db, modelId, { ...fields, status: 'ready' });
}

export function markModelFailed(db: Db, modelId: number, durationMs: number): void {
  db.update(models)
    .set({ status: 'failed', active: false, durationMs })
    .where(eq(models.id, modelId))
    .run();
}

export function getModel(db: Db, modelId: number): ModelRow | undefined {
  return db.select().from(models).where(eq(models.id, modelId)).get();
}

export function getActiveModel(
  db: Db,
  collectionId: number,
  kind: ModelKind,
): ModelRow | undefined {
  return db
    .select()
    .from(models)
    .where(
      and(eq(models.collectionId, collectionId), eq(models.kind, kind), eq(models.active, true)),
    )
    .get();
}

export function listModels(db: Db, collectionId: number): ModelRow[] {
  return db
    .select()
    .from(models)
    .where(eq(models.collectionId, collectionId))
    .orderBy(desc(models.id))
    .all();
}

/** The newest annotation id of a collection's items: the snapshot a training run records. */
export function latestAnnotationId(db: Db, collectionId: number): number | null {
  const row = db
    .select({ id: max(annotations.id) })
    .from(annotations)
    .innerJoin(items, eq(items.id, annotations.itemId))
    .where(eq(items.collectionId, collectionId))
    .get();
  return row?.id ?? null;
}
