import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type Db } from '@/db/client';
import { createBackup, processesHoldingFile, restoreBackup } from '@/lib/backup/backup-service';
import { makeCollection, makeUser } from '../../helpers/factories';
import { addStoredItem } from '../../helpers/items';

const REPO_ROOT = path.resolve(__dirname, '../../..');

let dataDir: string;
let backupDir: string;
let db: Db;
const databaseFile = () => path.join(dataDir, 'curio.sqlite');

function count(table: string): number {
  const reader = new Database(databaseFile(), { readonly: true });
  try {
    return (reader.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-backup-data-'));
  backupDir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-backup-out-'));
  db = openMigratedDatabase(databaseFile());
});

afterEach(() => {
  if (db.$client.open) db.$client.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(backupDir, { recursive: true, force: true });
});

describe('createBackup and restoreBackup', () => {
  it('bring back the database and files as they were, keeping the replaced database', async () => {
    const { collection } = makeCollection(db);
    const item = await addStoredItem(db, dataDir, collection.id);
    makeUser(db, 'curator');
    const backupFile = path.join(backupDir, 'curio-backup.sqlite');

    // Taken while the connection is open and written to, as under a running server.
    const backup = await createBackup(dataDir, backupFile, { withFiles: true });
    makeUser(db, 'reviewer');
    db.$client.close();
    fs.rmSync(path.join(dataDir, item.filePath));

    const result = await restoreBackup(dataDir, backupFile, {
      filesFolder: backup.filesFolder ?? undefined,
      now: new Date('2026-12-03T19:00:00Z'),
    });

    expect(count('users')).toBe(1);
    expect(count('items')).toBe(1);
    expect(fs.existsSync(path.join(dataDir, item.filePath))).toBe(true);
    expect(result.previousCopy).toBe(`${databaseFile()}.before-restore-2026-12-03T19-00-00-000Z`);
    const previous = new Database(result.previousCopy ?? '', { readonly: true });
    expect((previous.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n).toBe(2);
    previous.close();
  });

  it('refuses to overwrite an existing backup file', async () => {
    const backupFile = path.join(backupDir, 'taken.sqlite');
    fs.writeFileSync(backupFile, 'keep me');

    await expect(createBackup(dataDir, backupFile, { withFiles: false })).rejects.toThrow(
      /already exists/,
    );
    expect(fs.readFileSync(backupFile, 'utf8')).toBe('keep me');
  });

  it.each([
    [
      'a file that is not SQLite',
      (file: string) => fs.writeFileSync(file, 'not a database'),
      /cannot be|not a database|damaged/,
    ],
    [
      'a SQLite file of another application',
      (file: string) => {
        const other = new Database(file);
        other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY)');
        other.close();
      },
      /is not a Curio database \(no __drizzle_migrations table\)/,
    ],
  ])('refuses %s and changes nothing', async (_, write, reason) => {
    makeUser(db, 'curator');
    db.$client.close();
    const bad = path.join(backupDir, 'bad.sqlite');
    write(bad);

    await expect(restoreBackup(dataDir, bad)).rejects.toThrow(reason);
    expect(count('users')).toBe(1);
    expect(fs.readdirSync(dataDir).some((name) => name.includes('before-restore'))).toBe(false);
  });

  it('refuses while another process holds the database open', async () => {
    const backupFile = path.join(backupDir, 'backup.sqlite');
    await createBackup(dataDir, backupFile, { withFiles: false });
    db.$client.close();

    const holder: ChildProcess = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3'); new D(${JSON.stringify(databaseFile())});` +
          "process.stdout.write('open\\n'); setInterval(() => {}, 1000);",
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => holder.stdout?.once('data', resolve));
      expect(processesHoldingFile(databaseFile())).toContain(holder.pid);

      await expect(restoreBackup(dataDir, backupFile)).rejects.toThrow(
        new RegExp(`is open in process ${holder.pid}`),
      );
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('npm run curio -- backup / restore', () => {
  it('backs up with --files and restores from the command line', () => {
    makeUser(db, 'curator');
    db.$client.close();
    const backupFile = path.join(backupDir, 'cli.sqlite');
    const cli = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'lib/cli/main.ts', ...args], {
        cwd: REPO_ROOT,
        env: { ...process.env, CURIO_DATA_DIR: dataDir, CURIO_LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      });

    const backup = cli(['backup', backupFile, '--files']);
    expect(backup.stdout).toMatch(/Backed up the database to .*cli\.sqlite .*stored files/);
    expect(backup.status).toBe(0);

    const restore = cli(['restore', backupFile, '--files', `${backupFile}.files`]);
    expect(restore.stdout).toMatch(/Restored .*The replaced database is at .*before-restore/);
    expect(restore.status).toBe(0);
    expect(count('users')).toBe(1);
  }, 60_000);
});
