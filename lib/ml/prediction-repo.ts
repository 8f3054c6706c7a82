import { count, eq } from 'drizzle-orm';
import { retryWhileBusy, type Db } from '@/db/client';
import { predictions, predictionScores } from '@/db/schema';
import type { ScoreResult } from './scoring';

/**
 * The `predictions` and `prediction_scores` tables. A model's predictions are replaced as a
 * whole, in one transaction, so readers see either the old set or the new one.
 */

/** Rows per INSERT: SQLite allows 32,766 bound variables and a score row binds 6. */
const INSERT_CHUNK_ROWS = 2000;

export type PredictionRow = typeof predictions.$inferSelect;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
    out.push(rows.slice(start, start + INSERT_CHUNK_ROWS));
  }
  return out;
}

function toRows(
  modelId: number,
  itemIds: readonly number[],
  labelIds: readonly number[],
  r: ScoreResult,
) {
  const labelCount = labelIds.length;
  const main = itemIds.map((itemId, row) => {
    const base = row * labelCount;
    const probabilities = Array.from(r.probabilities.subarray(base, base + labelCount));
    const predictedLabelIds = labelIds.filter((_, label) => r.predicted[base + label] === 1);
    return {
      modelId,
      itemId,
      probabilities,
      predictedLabelIds,
      topLabelId: labelCount > 0 ? labelIds[r.topIndex[row]] : null,
      topProbability: r.topProbability[row],
      uncertainty: r.uncertainty[row],
      margin: r.margin ? r.margin[row] : null,
      novelty: r.novelty ? r.novelty[row] : null,
      isNovel: r.isNovel[row] === 1,
      noLabel: r.noLabel[row] === 1,
    };
  });
  const scores = itemIds.flatMap((itemId, row) =>
    labelIds.map((labelId, label) => ({
      modelId,
      itemId,
      labelId,
      probability: r.probabilities[row * labelCount + label],
      entropy: r.labelEntropy[row * labelCount + label],
      predicted: r.predicted[row * labelCount + label] === 1,
    })),
  );
  return { main, scores };
}

/** Replaces every prediction of a model with the scored items (itemIds in scoring order). */
export function replacePredictions(
  db: Db,
  modelId: number,
  itemIds: readonly number[],
  labelIds: readonly number[],
  result: ScoreResult,
): void {
  const { main, scores } = toRows(modelId, itemIds, labelIds, result);
  retryWhileBusy(() =>
    db.transaction((tx) => {
      tx.delete(predictionScores).where(eq(predictionScores.modelId, modelId)).run();
      tx.delete(predictions).where(eq(predictions.modelId, modelId)).run();
      for (const chunk of chunks(main)) tx.insert(predictions).values(chunk).run();
      for (const chunk of chunks(scores)) tx.insert(predictionScores).values(chunk).run();
    }),
  );
}

export function listPredictions(db: Db, modelId: number): PredictionRow[] {
  return db.select().from(predictions).where(eq(predictions.modelId, modelId)).all();
}

export function countPredictionScores(db: Db, modelId: number): number {
  const row = db
    .select({ value: count() })
    .from(predictionScores)
    .where(eq(predictionScores.modelId, modelId))
    .get();
  return row?.value ?? 0;
}
