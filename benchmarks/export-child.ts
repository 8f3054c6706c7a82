import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { closeDb, openMigratedDatabase } from '@/db/client';
import { startExport } from '@/lib/export/create-export';
import { exportOptionsSchema } from '@/lib/export/export-options';

/**
 * One export in its own process, for benchmarks/export.ts: prints time, bytes and this
 * process's peak RSS as JSON, so that each measurement starts from a fresh heap.
 *
 *   tsx benchmarks/export-child.ts <dataDir> <collectionId> <format> <scope> <outFile>
 */

async function main(): Promise<void> {
  const [dataDir, collectionId, format, scope, out] = process.argv.slice(2);
  const db = openMigratedDatabase(`${dataDir}/curio.sqlite`);
  const startedMs = performance.now();
  const file = startExport({
    db,
    dataDir,
    collectionId: Number(collectionId),
    options: exportOptionsSchema.parse({ format, scope }),
    baseUrl: 'http://localhost:3000',
  });
  await pipeline(Readable.from(file.body), fs.createWriteStream(out));
  const durationMs = performance.now() - startedMs;
  db.$client.close();
  closeDb();

  const result = {
    durationMs: Math.round(durationMs),
    sizeBytes: fs.statSync(out).size,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
