import fs from 'node:fs';
import path from 'node:path';
import { backupDatabase, checkCurioDatabase } from '@/db/backup';
import { DATABASE_FILE_NAME } from '@/db/client';
import { createLogger } from '@/lib/log';

/**
 * `curio backup` and `curio restore`. A backup is the database (an online SQLite snapshot) plus,
 * when asked, the folders of stored files next to it. Restoring replaces the database of a
 * stopped Curio after checking the file, and keeps the database it replaces.
 */

const log = createLogger('backup');

/**
 * The stored-file folders worth keeping: originals and trained models. Thumbnails are left out;
 * Curio renders them again on demand.
 */
export const FILE_FOLDERS = ['items', 'models'] as const;

export interface BackupResult {
  databaseFile: string;
  filesFolder: string | null;
  sizeBytes: number;
}

/** `<backup>.files/` beside the backup file. */
export function filesFolderFor(backupFile: string): string {
  return `${path.resolve(backupFile)}.files`;
}

/**
 * Snapshots the database first and copies the files after: originals are content-addressed and
 * never rewritten, and a model's files are complete before its row is marked ready, so every row
 * in the snapshot finds its file in the copy (files added in between are harmless extras).
 */
export async function createBackup(
  dataDir: string,
  backupFile: string,
  options: { withFiles: boolean },
): Promise<BackupResult> {
  const target = path.resolve(backupFile);
  if (fs.existsSync(target)) throw new Error(`${target} already exists; choose a new file name.`);

  await backupDatabase(path.join(dataDir, DATABASE_FILE_NAME), target);

  let filesFolder: string | null = null;
  if (options.withFiles) {
    filesFolder = filesFolderFor(target);
    for (const folder of FILE_FOLDERS) {
      const source = path.join(dataDir, folder);
      if (fs.existsSync(source)) {
        fs.cpSync(source, path.join(filesFolder, folder), { recursive: true });
      }
    }
  }

  const sizeBytes = fs.statSync(target).size;
  log.info('A backup was written.', { file: target, filesFolder, sizeBytes });
  return { databaseFile: target, filesFolder, sizeBytes };
}

/**
 * Process ids, other than this one, that hold the file open (Linux /proc). Restoring under a
 * running server would leave it writing to a file that is no longer the database.
 * TODO: on systems without /proc this finds nothing; the restore command says so.
 */
export function processesHoldingFile(file: string): number[] | null {
  if (!fs.existsSync('/proc/self/fd')) return null;

  const targets = new Set(
    [file, `${file}-wal`, `${file}-shm`].map((candidate) => path.resolve(candidate)),
  );
  const holders: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;

    let descriptors: string[];
    try {
      descriptors = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // Another user's process, or one that just ended.
    }
    const holds = descriptors.some((fd) => {
      try {
        return targets.has(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false;
      }
    });
    if (holds) holders.push(pid);
  }
  return holders;
}

export interface RestoreResult {
  previousCopy: string | null;
  restoredFiles: boolean;
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/**
 * Replaces the data directory's database with a checked backup. Refuses while any process holds
 * the database open (the server, a CLI job). The current database is first copied to
 * `curio.sqlite.before-restore-<time>`; its -wal and -shm files are removed after the swap, since
 * SQLite would otherwise replay the old WAL into the restored file.
 */
export async function restoreBackup(
  dataDir: string,
  backupFile: string,
  options: { filesFolder?: string; now?: Date } = {},
): Promise<RestoreResult> {
  const source = path.resolve(backupFile);
  const check = checkCurioDatabase(source);
  if (!check.ok) throw new Error(`Nothing was changed: ${check.reason}.`);

  const current = path.join(dataDir, DATABASE_FILE_NAME);
  const holders = processesHoldingFile(current);
  if (holders && holders.length > 0) {
    throw new Error(
      `Nothing was changed: ${current} is open in process ${holders.join(', ')}. Stop Curio (and any curio command) first.`,
    );
  }

  let previousCopy: string | null = null;
  if (fs.existsSync(current)) {
    previousCopy = `${current}.before-restore-${timestamp(options.now ?? new Date())}`;
    await backupDatabase(current, previousCopy);
  }

  fs.mkdirSync(dataDir, { recursive: true });
  const incoming = `${current}.restoring`;
  fs.copyFileSync(source, incoming);
  fs.rmSync(`${current}-wal`, { force: true });
  fs.rmSync(`${current}-shm`, { force: true });
  fs.renameSync(incoming, current);

  if (options.filesFolder) {
    for (const folder of FILE_FOLDERS) {
      const from = path.join(options.filesFolder, folder);
      // Originals are content-addressed, so an existing one is the same file and is kept; model
      // folders are named by row id, which another database may have used for another model.
      if (fs.existsSync(from)) {
        fs.cpSync(from, path.join(dataDir, folder), {
          recursive: true,
          force: folder === 'models',
        });
      }
    }
  }

  log.info('A backup was restored.', { from: source, previousCopy, ...check });
  return { previousCopy, restoredFiles: options.filesFolder !== undefined };
}
