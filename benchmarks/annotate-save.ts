import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  apiCall,
  createCollectionFromFolder,
  signInCookie,
  writeGeneratedImages,
} from '../tests/e2e/annotate-fixture';
import { E2E_ADMIN, startServer } from '../tests/e2e/server';

/**
 * Server round trip of the annotate view's two requests against a production build (`next
 * start`): "next" (GET .../annotate/next, which claims leases and attaches suggestions) and a
 * save (POST /api/items/[id]/annotations), one after the other as a curator works, over a few
 * hundred items. Build first: `CURIO_NEXT_DIST_DIR=.next-x npx next build`.
 *
 *   CURIO_NEXT_DIST_DIR=.next-x npm run bench -- annotate-save [--items 300]
 */

const WARM_UP = 10;

function argValue(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function row(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  return `| ${name} | ${sorted.length} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 95).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${mean.toFixed(1)} |`;
}

export async function run(args: string[]): Promise<void> {
  const itemCount = argValue(args, '--items', 300);
  const importRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-bench-annotate-'));
  await writeGeneratedImages(path.join(importRoot, 'images'), itemCount);
  const server = await startServer({ CURIO_IMPORT_ROOTS: importRoot, CURIO_LOG_LEVEL: 'warn' });

  try {
    const cookie = await signInCookie(server, E2E_ADMIN);
    const collection = await createCollectionFromFolder(server, cookie, {
      name: 'Annotate benchmark',
      mode: 'single',
      labels: ['one', 'two', 'three'],
      folder: path.join(importRoot, 'images'),
    });

    const next: number[] = [];
    const save: number[] = [];
    for (let index = 0; index < itemCount; index++) {
      let started = performance.now();
      const { body } = await apiCall<{ items: { item: { id: number } }[] }>(
        server,
        `/api/collections/${collection.id}/annotate/next?count=1`,
        { cookie },
      );
      const nextMs = performance.now() - started;
      const itemId = body.items[0]?.item.id;
      if (itemId === undefined) break;

      started = performance.now();
      await apiCall(server, `/api/items/${itemId}/annotations`, {
        method: 'POST',
        cookie,
        body: { labelIds: [collection.labels[index % 3].id], none: false, queue: 'unannotated' },
      });
      const saveMs = performance.now() - started;
      if (index >= WARM_UP) {
        next.push(nextMs);
        save.push(saveMs);
      }
    }

    console.log(
      `\nAnnotate round trips over HTTP to next start, ${itemCount} items (first ${WARM_UP} not counted), ${os.cpus().length} cores shared:\n`,
    );
    console.log('| request | n | p50 ms | p95 ms | p99 ms | mean ms |\n|---|---|---|---|---|---|');
    console.log(row('GET annotate/next?count=1', next));
    console.log(row('POST items/[id]/annotations', save));
  } finally {
    await server.stop();
    fs.rmSync(importRoot, { recursive: true, force: true });
  }
}
