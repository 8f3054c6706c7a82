import { createRandom } from '@/lib/ml/random';
import { exportRecords, type ExportContext, type ExportRecord } from './export-records';

/**
 * A seeded, stratified train/validation split of an export: within each stratum (the exact set
 * of labels, or "none", or unlabelled) the items with the lowest seeded rank go to validation.
 * The rank depends only on the seed and the item id, so the same seed gives the same split and
 * adding items moves few others. It keeps one id per validation item, not the records.
 */

export type SplitName = 'train' | 'validation';

export function stratumOf(record: Pick<ExportRecord, 'labels' | 'none'>): string {
  if (record.none) return 'none';
  return record.labels.length === 0 ? '' : `labels:${[...record.labels].sort().join('\u0000')}`;
}

/** A number in [0, 1) fixed by the seed and the item id. */
export function splitRank(seed: number, itemId: number): number {
  return createRandom((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(itemId, 0x85ebca6b)) >>> 0)();
}

/** Ids of the items that go to validation. */
export async function validationItemIds(
  context: ExportContext,
  ratio: number,
  seed: number,
): Promise<Set<number>> {
  const strata = new Map<string, { itemId: number; rank: number }[]>();
  for await (const record of exportRecords(context)) {
    const key = stratumOf(record);
    const members = strata.get(key) ?? [];
    members.push({ itemId: record.itemId, rank: splitRank(seed, record.itemId) });
    strata.set(key, members);
  }

  const validation = new Set<number>();
  for (const members of strata.values()) {
    const count = Math.round(members.length * ratio);
    members.sort((a, b) => a.rank - b.rank || a.itemId - b.itemId);
    for (const member of members.slice(0, count)) validation.add(member.itemId);
  }
  return validation;
}
