import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrationsFolder } from './client';

/**
 * SQLite-level backup and checks for `curio backup` and `curio restore`. The backup goes through
 * SQLite's online backup API, so it is a consistent snapshot even while the server writes; a plain
 * file copy of a WAL database can miss the pages still in the -wal file or catch a half-written one.
 */

export async function backupDatabase(sourceFile: string, targetFile: string): Promise<void> {
  if (!fs.existsSync(sourceFile)) throw new Error(`There is no database at ${sourceFile}.`);
  fs.mkdirSync(path.dirname(path.resolve(targetFile)), { recursive: true });

  const source = new Database(sourceFile, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    await source.backup(targetFile);
  } finally {
    source.close();
  }
}

export type BackupCheck =
  | { ok: true; migrationsApplied: number; users: number; items: number; annotations: number }
  | { ok: false; reason: string };

function knownMigrationCount(): number {
  const journal = JSON.parse(
    fs.readFileSync(path.join(migrationsFolder(), 'meta', '_journal.json'), 'utf8'),
  ) as { entries: unknown[] };
  return journal.entries.length;
}

function countRows(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
}

/**
 * Whether a file is a Curio database this code can run: SQLite, intact, with drizzle's migrations
 * table and no migration newer than the code knows (an older one is migrated on the next start).
 */
export function checkCurioDatabase(file: string): BackupCheck {
  if (!fs.existsSync(file)) return { ok: false, reason: `${file} does not exist` };

  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { ok: false, reason: `${file} cannot be opened as SQLite (${String(error)})` };
  }
  try {
    const integrity = db.pragma('quick_check', { simple: true });
    if (integrity !== 'ok')
      return { ok: false, reason: `${file} is damaged (${String(integrity)})` };

    const tables = new Set(
      (
        db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
          name: string;
        }[]
      ).map((row) => row.name),
    );
    for (const table of ['__drizzle_migrations', 'users', 'collections', 'items', 'annotations']) {
      if (!tables.has(table)) {
        return { ok: false, reason: `${file} is not a Curio database (no ${table} table)` };
      }
    }

    const migrationsApplied = countRows(db, '__drizzle_migrations');
    const known = knownMigrationCount();
    if (migrationsApplied > known) {
      return {
        ok: false,
        reason: `${file} comes from a newer Curio (${migrationsApplied} migrations; this one knows ${known}); upgrade Curio first`,
      };
    }
    return {
      ok: true,
      migrationsApplied,
      users: countRows(db, 'users'),
      items: countRows(db, 'items'),
      annotations: countRows(db, 'annotations'),
    };
  } catch (error) {
    return { ok: false, reason: `${file} cannot be read as SQLite (${String(error)})` };
  } finally {
    db.close();
  }
}
