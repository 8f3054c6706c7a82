import { and, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { itemLeases } from '@/db/schema';

/**
 * Short claims on items, so that two people annotating or reviewing at once never get the same
 * item. A lease lapses by itself; whoever asks for work after that may take the item.
 */

export const DEFAULT_LEASE_MS = 3 * 60 * 1000;

/**
 * SQL condition (for queries over `items i`) that is true when nobody but `userId` holds a live
 * lease on the item. Bind `now` and `userId`, in that order.
 */
export const NOT_LEASED_BY_OTHERS_SQL = `not exists (
  select 1 from item_leases l where l.item_id = i.id and l.expires_at > ? and l.user_id != ?)`;

export interface ClaimRequest {
  userId: number;
  queue: string;
  /** Candidates in the order the caller prefers them. */
  candidateIds: number[];
  count: number;
  ttlMs?: number;
  now?: number;
}

/**
 * Claims up to `count` candidates that are free, lapsed, or already the caller's, in order.
 * Atomic per item: of two people racing for one item exactly one gets it.
 */
export function claimItems(db: Db, request: ClaimRequest): number[] {
  const now = request.now ?? Date.now();
  const expiresAt = now + (request.ttlMs ?? DEFAULT_LEASE_MS);
  const claim = db.$client.prepare(
    `insert into item_leases (item_id, user_id, queue, expires_at) values (?, ?, ?, ?)
     on conflict (item_id) do update
        set user_id = excluded.user_id, queue = excluded.queue, expires_at = excluded.expires_at
      where item_leases.expires_at <= ? or item_leases.user_id = excluded.user_id`,
  );

  return db.transaction(() => {
    const claimed: number[] = [];
    for (const itemId of request.candidateIds) {
      if (claimed.length >= request.count) break;
      const result = claim.run(itemId, request.userId, request.queue, expiresAt, now);
      if (result.changes > 0) claimed.push(itemId);
    }
    return claimed;
  });
}

/** Gives items back (after a save or a skip), or all of a user's leases when no ids are given. */
export function releaseLeases(db: Db, userId: number, itemIds?: number[]): void {
  const mine = eq(itemLeases.userId, userId);
  db.delete(itemLeases)
    .where(itemIds ? and(mine, inArray(itemLeases.itemId, itemIds)) : mine)
    .run();
}

export function purgeExpiredLeases(db: Db, now = Date.now()): number {
  return db.delete(itemLeases).where(lt(itemLeases.expiresAt, now)).run().changes;
}
