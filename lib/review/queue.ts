import { z } from 'zod';
import type { Db } from '@/db/client';
import { claimItems } from '@/lib/annotation/lease-repo';
import {
  findActiveModelIds,
  pickOpenItemFrom,
  rankByLabelEntropy,
  rankByUncertainty,
  rankDisagreements,
  rankNoLabelOrNovel,
  type RankedQuery,
} from './queue-repo';

/**
 * The reviewer's queues over a collection's active models. A page mixes the queue's ranking with
 * a share of random open items (collections.queue_random_share), each marked `<queue>+random`,
 * so that reviewers keep seeing the spread of the collection and the next model does not learn
 * only from one cluster of near-duplicates. Every item handed out is leased to the reviewer, so
 * two reviewers never get the same one.
 */

export const QUEUE_KINDS = ['uncertain', 'uncertain-label', 'no-label', 'disagreement'] as const;
export type QueueKind = (typeof QUEUE_KINDS)[number];

export const MAX_QUEUE_PAGE = 50;

/** Extra ranked candidates fetched beyond the page, in case a racing reviewer claims some. */
const CLAIM_SLACK = 10;

export const queueRequestSchema = z.object({
  queue: z.enum(QUEUE_KINDS).default('uncertain'),
  label: z.coerce.number().int().positive().optional(),
  count: z.coerce.number().int().min(1).max(MAX_QUEUE_PAGE).default(10),
  exclude: z
    .string()
    .regex(/^(\d+(,\d+)*)?$/, 'a comma-separated list of item ids')
    .transform((value) => (value === '' ? [] : value.split(',').map(Number)))
    .refine((ids) => ids.length <= 500, 'at most 500 ids')
    .default([]),
});
export type QueueRequest = z.infer<typeof queueRequestSchema>;

export interface QueueEntry {
  itemId: number;
  /** What the annotation records: the queue name, with `+random` for the random share. */
  queue: string;
  random: boolean;
}

export interface QueuePage {
  labelerId: number | null;
  classifierId: number | null;
  /** The model whose ranking this queue follows; reviews record it as the suggesting model. */
  modelId: number | null;
  entries: QueueEntry[];
  /** Why the page is empty when no model can rank it. */
  unavailable?: string;
}

export interface NextItemsInput extends QueueRequest {
  collectionId: number;
  userId: number;
  randomShare: number;
  now?: number;
  /** Uniform [0, 1) source; injectable so tests can fix the random share. */
  random?: () => number;
  leaseMs?: number;
}

/** The queue's name as recorded on annotations, e.g. `uncertain-label:12`. */
export function queueName(kind: QueueKind, labelId?: number): string {
  return kind === 'uncertain-label' ? `${kind}:${labelId}` : kind;
}

function rank(
  db: Db,
  input: NextItemsInput,
  models: { labelerId: number; classifierId: number | null },
  query: RankedQuery,
): number[] {
  switch (input.queue) {
    case 'uncertain':
      return rankByUncertainty(db, models.labelerId, query);
    case 'uncertain-label':
      return rankByLabelEntropy(db, models.labelerId, input.label ?? 0, query);
    case 'no-label':
      return rankNoLabelOrNovel(db, models.labelerId, query);
    case 'disagreement':
      return models.classifierId === null
        ? []
        : rankDisagreements(db, models.classifierId, models.labelerId, query);
  }
}

function pickRandom(db: Db, input: NextItemsInput, slots: number, taken: number[]): number[] {
  const random = input.random ?? Math.random;
  const picked: number[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const itemId = pickOpenItemFrom(db, input.collectionId, random(), {
      userId: input.userId,
      now: input.now ?? Date.now(),
      excludeIds: [...taken, ...picked],
    });
    if (itemId === undefined) break;
    picked.push(itemId);
  }
  return picked;
}

function unavailableReason(input: NextItemsInput, classifierId: number | null): string | null {
  if (input.queue === 'uncertain-label' && input.label === undefined)
    return 'Choose a label for the "uncertain for one label" queue.';
  if (input.queue === 'disagreement' && classifierId === null)
    return 'The disagreement queue needs a trained classifier as well as a labeler.';
  return null;
}

/**
 * Hands the reviewer the next `count` items of a queue, leased to them. Items they already hold
 * come back first (asking again is safe); `exclude` lists the ones the page still has or skipped.
 */
export function nextQueueItems(db: Db, input: NextItemsInput): QueuePage {
  const { labelerId, classifierId } = findActiveModelIds(db, input.collectionId);
  const modelId = input.queue === 'disagreement' ? classifierId : labelerId;
  const page = { labelerId, classifierId, modelId, entries: [] };

  if (labelerId === null)
    return { ...page, unavailable: 'Train a labeler first: no queue can rank items.' };
  const reason = unavailableReason(input, classifierId);
  if (reason) return { ...page, unavailable: reason };

  const random = input.random ?? Math.random;
  const randomSlots = Array.from({ length: input.count }, () => random() < input.randomShare);
  const now = input.now ?? Date.now();
  const filter = { userId: input.userId, now, excludeIds: input.exclude };

  const randomIds = pickRandom(
    db,
    { ...input, now, random },
    randomSlots.filter(Boolean).length,
    input.exclude,
  );
  const rankedIds = rank(
    db,
    input,
    { labelerId, classifierId },
    { ...filter, excludeIds: [...input.exclude, ...randomIds], limit: input.count + CLAIM_SLACK },
  );

  const name = queueName(input.queue, input.label);
  const claim = (ids: number[], queue: string, count: number) =>
    claimItems(db, {
      userId: input.userId,
      queue,
      candidateIds: ids,
      count,
      now,
      ttlMs: input.leaseMs,
    });
  const claimedRandom = claim(randomIds, `${name}+random`, randomIds.length);
  const claimedRanked = claim(rankedIds, name, input.count - claimedRandom.length);

  return { ...page, entries: interleave(randomSlots, claimedRandom, claimedRanked, name) };
}

/** Puts random picks at their drawn slots and ranked items elsewhere, filling any shortfall. */
function interleave(
  randomSlots: boolean[],
  randomIds: number[],
  rankedIds: number[],
  name: string,
): QueueEntry[] {
  const randoms = [...randomIds];
  const ranked = [...rankedIds];
  const entries: QueueEntry[] = [];

  for (const isRandom of randomSlots) {
    const fromRandom = isRandom ? randoms.shift() : undefined;
    if (fromRandom !== undefined) {
      entries.push({ itemId: fromRandom, queue: `${name}+random`, random: true });
      continue;
    }
    const fromRanked = ranked.shift();
    if (fromRanked !== undefined) entries.push({ itemId: fromRanked, queue: name, random: false });
  }
  return entries;
}
