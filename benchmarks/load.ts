import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import {
  apiCall,
  createAccount,
  createCollectionFromFolder,
  signInCookie,
} from '../tests/e2e/annotate-fixture';
import { E2E_ADMIN, startServer, type RunningServer } from '../tests/e2e/server';

/**
 * Many annotators at once against a production build (`next start` on loopback): each simulated
 * curator, with its own account and session, takes "next" (GET .../annotate/next?count=1, which
 * leases the item) and saves a label (POST /api/items/[id]/annotations), as fast as the server
 * answers, for a fixed time. Then the SQLite file is checked: every 2xx save is exactly one row,
 * no other row appeared, and no item was annotated twice (the leases kept clients apart). The
 * same again while a training job runs in the worker.
 *
 *   CURIO_NEXT_DIST_DIR=.next-x npm run bench -- load [--clients 50] [--duration 60]
 *     [--items 5000] [--no-training]
 */

interface Options {
  clients: number;
  durationS: number;
  items: number;
  training: boolean;
}

function parseOptions(args: string[]): Options {
  const value = (name: string, fallback: number) => {
    const index = args.indexOf(name);
    const parsed = index >= 0 ? Number(args[index + 1]) : fallback;
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${name} must be a number > 0.`);
    return parsed;
  };
  const clients = value('--clients', 50);
  return {
    clients,
    durationS: value('--duration', 60),
    items: value('--items', 5000),
    training: !args.includes('--no-training'),
  };
}

interface Client {
  userId: number;
  cookie: string;
}

interface Save {
  userId: number;
  itemId: number;
  annotationId: number;
}

interface PhaseResult {
  name: string;
  nextMs: number[];
  saveMs: number[];
  saves: Save[];
  errors: Map<string, number>;
  queueEmptied: boolean;
  wallS: number;
}

/**
 * Distinct small PNGs (seeded noise), one per item: the import deduplicates by content, so images
 * that repeat would leave fewer items than asked for.
 */
async function writeDistinctImages(dir: string, count: number, firstSeed: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const side = 48;
  for (let index = firstSeed; index < firstSeed + count; index++) {
    const pixels = Buffer.alloc(side * side * 3);
    for (let p = 0; p < pixels.length; p++)
      pixels[p] = (index * 7919 + p * ((index % 97) + 31)) % 251;
    await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
      .png()
      .toFile(path.join(dir, `load-${String(index).padStart(5, '0')}.png`));
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function timed(
  server: RunningServer,
  pathName: string,
  init: { method?: string; cookie: string; body?: unknown },
): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${server.baseUrl}${pathName}`, {
    method: init.method ?? 'GET',
    headers: {
      cookie: init.cookie,
      origin: server.baseUrl,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body: unknown = await response.json().catch(() => null);
  return { status: response.status, body, ms: performance.now() - started };
}

/** One annotator: next, save, repeat until the time is up or the queue is empty. */
async function annotator(
  server: RunningServer,
  client: Client,
  collection: { id: number; labels: { id: number }[] },
  deadline: number,
  result: PhaseResult,
): Promise<void> {
  const countError = (what: string) => result.errors.set(what, (result.errors.get(what) ?? 0) + 1);

  while (performance.now() < deadline) {
    const next = await timed(
      server,
      `/api/collections/${collection.id}/annotate/next?count=1&queue=unannotated`,
      { cookie: client.cookie },
    );
    result.nextMs.push(next.ms);
    if (next.status !== 200) {
      countError(`next ${next.status}`);
      continue;
    }
    const itemId = (next.body as { items: { item: { id: number } }[] }).items[0]?.item.id;
    if (itemId === undefined) {
      result.queueEmptied = true;
      return;
    }

    const label = collection.labels[(itemId * 7 + client.userId) % collection.labels.length];
    const save = await timed(server, `/api/items/${itemId}/annotations`, {
      method: 'POST',
      cookie: client.cookie,
      body: { labelIds: [label.id], none: false, queue: 'unannotated' },
    });
    result.saveMs.push(save.ms);
    if (save.status >= 200 && save.status < 300) {
      const annotationId = (save.body as { annotation?: { id?: number } }).annotation?.id ?? -1;
      result.saves.push({ userId: client.userId, itemId, annotationId });
    } else {
      countError(`save ${save.status}`);
    }
  }
}

async function runPhase(
  name: string,
  server: RunningServer,
  clients: Client[],
  collection: { id: number; labels: { id: number }[] },
  durationS: number,
): Promise<PhaseResult> {
  const result: PhaseResult = {
    name,
    nextMs: [],
    saveMs: [],
    saves: [],
    errors: new Map(),
    queueEmptied: false,
    wallS: 0,
  };
  const started = performance.now();
  const deadline = started + durationS * 1000;
  await Promise.all(
    clients.map((client) => annotator(server, client, collection, deadline, result)),
  );
  result.wallS = (performance.now() - started) / 1000;
  return result;
}

interface Integrity {
  rowsInPhase: number;
  savesWithoutOneRow: number;
  itemsAnnotatedTwice: number;
}

function maxAnnotationId(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'curio.sqlite'), { readonly: true });
  try {
    return (
      db.prepare('SELECT coalesce(max(id), 0) AS id FROM annotations').get() as { id: number }
    ).id;
  } finally {
    db.close();
  }
}

/** Compares what the clients were told with what the database holds. */
function checkIntegrity(dataDir: string, afterId: number, saves: Save[]): Integrity {
  const db = new Database(path.join(dataDir, 'curio.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        "SELECT id, item_id AS itemId, user_id AS userId FROM annotations WHERE id > ? AND source = 'human'",
      )
      .all(afterId) as { id: number; itemId: number; userId: number }[];
    const byId = new Map(rows.map((row) => [row.id, row]));

    const savesWithoutOneRow = saves.filter((save) => {
      const row = byId.get(save.annotationId);
      return !row || row.itemId !== save.itemId || row.userId !== save.userId;
    }).length;
    const perItem = new Map<number, number>();
    for (const row of rows) perItem.set(row.itemId, (perItem.get(row.itemId) ?? 0) + 1);

    return {
      rowsInPhase: rows.length,
      savesWithoutOneRow,
      itemsAnnotatedTwice: [...perItem.values()].filter((count) => count > 1).length,
    };
  } finally {
    db.close();
  }
}

function formatRow(name: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const cells = [50, 95, 99].map((p) => percentile(sorted, p).toFixed(1));
  return `| ${name} | ${sorted.length} | ${cells.join(' | ')} |`;
}

function report(result: PhaseResult, integrity: Integrity): string {
  const perSecond = (result.saves.length / result.wallS).toFixed(1);
  const errors = [...result.errors].map(([what, n]) => `${what}: ${n}`).join(', ') || 'none';
  return [
    `\n### ${result.name} (${result.wallS.toFixed(1)} s${result.queueEmptied ? ', queue emptied' : ''})\n`,
    '| request | n | p50 ms | p95 ms | p99 ms |',
    '|---|---:|---:|---:|---:|',
    formatRow('next (GET annotate/next)', result.nextMs),
    formatRow('save (POST annotations)', result.saveMs),
    '',
    `- 2xx saves: ${result.saves.length} (${perSecond}/s); errors: ${errors}`,
    `- annotation rows written in the phase: ${integrity.rowsInPhase}`,
    `- 2xx saves without exactly their row: ${integrity.savesWithoutOneRow}`,
    `- rows beyond the 2xx saves: ${integrity.rowsInPhase - result.saves.length}`,
    `- items annotated twice: ${integrity.itemsAnnotatedTwice}`,
  ].join('\n');
}

async function jobState(server: RunningServer, cookie: string, jobId: number): Promise<string> {
  const { body } = await apiCall<{ job: { state: string; error: string | null } }>(
    server,
    `/api/jobs/${jobId}`,
    { cookie },
  );
  return body.job.error ? `${body.job.state} (${body.job.error})` : body.job.state;
}

/** Starts training both models and waits (up to a minute) until the worker runs it. */
async function startTrainingAndWait(
  server: RunningServer,
  cookie: string,
  collectionId: number,
): Promise<number> {
  const { body } = await apiCall<{ job: { id: number } }>(
    server,
    `/api/collections/${collectionId}/training`,
    { method: 'POST', cookie, body: { kinds: ['classifier', 'labeler'] } },
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await jobState(server, cookie, body.job.id)) === 'queued') {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return body.job.id;
}

async function makeClients(server: RunningServer, adminCookie: string, count: number) {
  const clients: Client[] = [];
  for (let index = 0; index < count; index++) {
    const account = {
      email: `annotator${index + 1}@load.test`,
      password: 'load test passphrase',
      name: `Annotator ${index + 1}`,
      role: 'curator' as const,
    };
    const userId = await createAccount(server, adminCookie, account);
    clients.push({ userId, cookie: await signInCookie(server, account) });
  }
  return clients;
}

export async function run(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const importRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-bench-load-'));
  console.log(`Writing ${options.items} generated images per collection…`);
  await writeDistinctImages(path.join(importRoot, 'first'), options.items, 0);
  if (options.training) {
    await writeDistinctImages(path.join(importRoot, 'second'), options.items, options.items);
  }
  const server = await startServer({
    CURIO_IMPORT_ROOTS: importRoot,
    CURIO_LOG_LEVEL: 'warn',
    CURIO_BACKBONE: 'mobilenet-v2@96',
  });

  try {
    const adminCookie = await signInCookie(server, E2E_ADMIN);
    console.log('Importing them and creating the accounts…');
    const collection = await createCollectionFromFolder(server, adminCookie, {
      name: 'Load test',
      mode: 'single',
      labels: ['one', 'two', 'three'],
      folder: path.join(importRoot, 'first'),
    });
    const clients = await makeClients(server, adminCookie, options.clients);

    const lines = [
      `\nLoad: ${options.clients} curators for ${options.durationS} s each phase, ${options.items} items per collection, next start on loopback, ${os.cpus().length} cores shared.`,
    ];
    let afterId = maxAnnotationId(server.dataDir);
    const plain = await runPhase('annotating', server, clients, collection, options.durationS);
    lines.push(report(plain, checkIntegrity(server.dataDir, afterId, plain.saves)));

    if (options.training) {
      // The annotators move to a second collection of fresh items while the first one, now
      // annotated, trains: the worker competes with them for the same cores.
      const second = await createCollectionFromFolder(server, adminCookie, {
        name: 'Load test, second',
        mode: 'single',
        labels: ['one', 'two', 'three'],
        folder: path.join(importRoot, 'second'),
      });
      const jobId = await startTrainingAndWait(server, adminCookie, collection.id);
      afterId = maxAnnotationId(server.dataDir);
      const busy = await runPhase(
        'annotating while both models train',
        server,
        clients,
        second,
        options.durationS,
      );
      lines.push(report(busy, checkIntegrity(server.dataDir, afterId, busy.saves)));
      const state = await jobState(server, adminCookie, jobId);
      lines.push(`- training job at the end of the phase: ${state}`);
      if (state.startsWith('failed')) {
        const serverLines = server.output().split('\n');
        const related = serverLines.filter((line) => /worker|train|rror/i.test(line)).slice(-15);
        lines.push(
          '- what the server printed about it:',
          ...related.map((line) => `    ${line.slice(0, 300)}`),
        );
      }
    }
    console.log(lines.join('\n'));
  } finally {
    await server.stop();
    fs.rmSync(importRoot, { recursive: true, force: true });
  }
}
