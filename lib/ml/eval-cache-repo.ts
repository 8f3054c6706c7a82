import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The evaluation CLI's embedding cache: a small SQLite file of vectors keyed by the SHA-256 of
 * the image bytes and the backbone id, so a second run over the same folders embeds nothing.
 * Separate from Curio's database: evaluations run over folders, not collections.
 */

export interface EvalCache {
  get(hash: string, backbone: string): Float32Array | undefined;
  putMany(rows: { hash: string; backbone: string; vector: Float32Array }[]): void;
  close(): void;
}

export function openEvalCache(file: string): EvalCache {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec(
    `create table if not exists vectors (
       hash text not null, backbone text not null, dim integer not null, vector blob not null,
       primary key (hash, backbone))`,
  );
  const select = sqlite.prepare('select vector from vectors where hash = ? and backbone = ?');
  const insert = sqlite.prepare(
    'insert or replace into vectors (hash, backbone, dim, vector) values (?, ?, ?, ?)',
  );

  return {
    get(hash, backbone) {
      const row = select.get(hash, backbone) as { vector: Buffer } | undefined;
      if (!row) return undefined;
      const copy = Uint8Array.from(row.vector);
      return new Float32Array(copy.buffer);
    },
    putMany(rows) {
      sqlite.transaction(() => {
        for (const row of rows) {
          const bytes = Buffer.from(
            row.vector.buffer,
            row.vector.byteOffset,
            row.vector.byteLength,
          );
          insert.run(row.hash, row.backbone, row.vector.length, bytes);
        }
      })();
    },
    close: () => sqlite.close(),
  };
}
