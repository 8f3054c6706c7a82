import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openMigratedDatabase, type Db } from '@/db/client';

export interface TestDatabase {
  db: Db;
  dir: string;
  file: string;
  close(): void;
}

/** A fresh SQLite file with every migration applied, in its own temporary folder. */
export function createTestDatabase(): TestDatabase {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-test-'));
  const file = path.join(dir, 'curio.sqlite');
  const db = openMigratedDatabase(file);

  return {
    db,
    dir,
    file,
    close() {
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
