import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimItems, purgeExpiredLeases, releaseLeases } from '@/lib/annotation/lease-repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeCollection, makeItem, makeUser } from '../../helpers/factories';

describe('item leases', () => {
  let t: TestDatabase;
  beforeEach(() => (t = createTestDatabase()));
  afterEach(() => t.close());

  function setup() {
    const [alice, bob] = [makeUser(t.db), makeUser(t.db)];
    const { collection } = makeCollection(t.db);
    const ids = [1, 2, 3, 4].map(() => makeItem(t.db, collection.id).id);
    return { alice, bob, ids };
  }

  it('never gives one item to two people while the lease lives', () => {
    const { alice, bob, ids } = setup();
    const now = 1_000_000;

    const forAlice = claimItems(t.db, {
      userId: alice.id,
      queue: 'annotate',
      candidateIds: ids,
      count: 2,
      now,
    });
    const forBob = claimItems(t.db, {
      userId: bob.id,
      queue: 'annotate',
      candidateIds: ids,
      count: 2,
      now,
    });

    expect(forAlice).toEqual([ids[0], ids[1]]);
    expect(forBob).toEqual([ids[2], ids[3]]);
  });

  it('lets a lapsed lease be taken over, and renews the holder own lease', () => {
    const { alice, bob, ids } = setup();
    claimItems(t.db, {
      userId: alice.id,
      queue: 'annotate',
      candidateIds: [ids[0]],
      count: 1,
      ttlMs: 100,
      now: 0,
    });

    expect(
      claimItems(t.db, {
        userId: alice.id,
        queue: 'annotate',
        candidateIds: [ids[0]],
        count: 1,
        now: 50,
      }),
    ).toEqual([ids[0]]);
    expect(
      claimItems(t.db, {
        userId: bob.id,
        queue: 'annotate',
        candidateIds: [ids[0]],
        count: 1,
        ttlMs: 100,
        now: 150,
      }),
    ).toEqual([]);
    expect(
      claimItems(t.db, {
        userId: bob.id,
        queue: 'annotate',
        candidateIds: [ids[0]],
        count: 1,
        now: 1_000_000,
      }),
    ).toEqual([ids[0]]);
  });

  it('frees released and expired leases', () => {
    const { alice, bob, ids } = setup();
    claimItems(t.db, {
      userId: alice.id,
      queue: 'annotate',
      candidateIds: ids,
      count: 4,
      ttlMs: 100,
      now: 0,
    });

    releaseLeases(t.db, alice.id, [ids[0]]);
    expect(
      claimItems(t.db, { userId: bob.id, queue: 'annotate', candidateIds: ids, count: 4, now: 10 }),
    ).toEqual([ids[0]]);
    // Alice's other three lapsed at 100; Bob's fresh lease on the released item lives on.
    expect(purgeExpiredLeases(t.db, 1_000)).toBe(3);
  });
});
