import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { env } from '@/lib/env';
import * as schema from './schema';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const BUSY_TIMEOUT_MS = 5000;
export const DATABASE_FILE_NAME = 'curio.sqlite';

/** Where the committed drizzle-kit migrations live, wherever the code runs from. */
export function migrationsFolder(): string {
  const candidates = [
    path.join(process.cwd(), 'db', 'migrations'),
    path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  ];
  const folder = candidates.find((candidate) => fs.existsSync(path.join(candidate, 'meta')));
  if (!folder) throw new Error(`No migrations folder found; looked in ${candidates.join(', ')}.`);
  return folder;
}

/** Opens (creating if needed) a Curio database file with WAL, foreign keys and a busy timeout. */
export function openDatabase(file: string): Db {
  fs.mkdirSync(path.dirname(file), { recursive: true });

  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  sqlite.pragma('synchronous = NORMAL');

  return drizzle(sqlite, { schema }) as Db;
}

/** True for SQLite's "database is locked" family of errors (another connection holds the lock). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs a write again while the database stays locked, for background work (embedding, scoring)
 * that can afford to wait. Each attempt already waits up to the busy timeout inside SQLite, but
 * SQLite's lock is not fair: under a crowd of short annotation writes one long-waiting writer can
 * lose every race for longer than that.
 */
export function retryWhileBusy<T>(write: () => T, attempts = 12): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return write();
    } catch (error) {
      if (!isBusyError(error) || attempt >= attempts) throw error;
    }
  }
}

/** Applies every committed migration that the file has not seen yet. */
export function migrateDatabase(db: Db): void {
  migrate(db, { migrationsFolder: migrationsFolder() });
}

/** Opens a database and brings it to the current schema. */
export function openMigratedDatabase(file: string): Db {
  const db = openDatabase(file);
  migrateDatabase(db);
  return db;
}

export function databaseFile(): string {
  return path.join(env().dataDir, DATABASE_FILE_NAME);
}

// Kept on globalThis so that Next's dev reloads do not open a new connection per edit.
const globalForDb = globalThis as typeof globalThis & { curioDb?: Db };

/** The process-wide connection to the configured data directory, migrated on first use. */
export function getDb(): Db {
  globalForDb.curioDb ??= openMigratedDatabase(databaseFile());
  return globalForDb.curioDb;
}

/** Closes the process-wide connection; the CLI and tests call it before exiting. */
export function closeDb(): void {
  globalForDb.curioDb?.$client.close();
  globalForDb.curioDb = undefined;
}
