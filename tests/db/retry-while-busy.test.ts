import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBusyError, openDatabase, retryWhileBusy } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('retryWhileBusy', () => {
  let t: TestDatabase;
  beforeEach(() => (t = createTestDatabase()));
  afterEach(() => t.close());

  it('recognises a locked database and gives up after the allowed attempts', () => {
    const holder = new Database(t.file);
    holder.pragma('busy_timeout = 0');
    const waiter = openDatabase(t.file);
    waiter.$client.pragma('busy_timeout = 0');
    holder.exec('begin immediate');

    let attempts = 0;
    const write = () => {
      attempts += 1;
      waiter.$client.exec(`insert into users (email, name, password_hash, role)
                           values ('a@b.c', 'A', 'x', 'admin')`);
    };
    let thrown: unknown;
    try {
      retryWhileBusy(write, 3);
    } catch (error) {
      thrown = error;
    }

    expect(isBusyError(thrown)).toBe(true);
    expect(attempts).toBe(3);
    holder.exec('rollback');
    holder.close();
    waiter.$client.close();
  });

  it('returns the write once the lock is released between attempts', () => {
    const holder = new Database(t.file);
    const waiter = openDatabase(t.file);
    waiter.$client.pragma('busy_timeout = 0');
    holder.exec('begin immediate');

    let attempts = 0;
    const result = retryWhileBusy(() => {
      attempts += 1;
      if (attempts === 2) holder.exec('rollback');
      return waiter.$client
        .prepare(`insert into users (email, name, password_hash, role) values (?, ?, ?, ?)`)
        .run(`user${attempts}@b.c`, 'A', 'x', 'admin').changes;
    });

    expect(result).toBe(1);
    expect(attempts).toBe(2);
    holder.close();
    waiter.$client.close();
  });

  it('passes any other error straight through', () => {
    let attempts = 0;
    expect(() =>
      retryWhileBusy(() => {
        attempts += 1;
        t.db.$client.exec('insert into no_such_table values (1)');
      }),
    ).toThrow(/no such table/);
    expect(attempts).toBe(1);
  });
});
