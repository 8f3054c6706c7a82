import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STOPPED_SERVER_REASON } from '@/lib/jobs/run-in-background';
import { E2E_ADMIN, startServer, type RunningServer } from './server';

/**
 * Crashes: the production server's process group is SIGKILLed in the middle of a folder import
 * and in the middle of a training, then started again on the same data folder. Afterwards the
 * database must be consistent with the files, the interrupted job must say it failed and why, and
 * the model that was active before the training must still be the one serving.
 */

const IMPORT_IMAGES = 400;
const STEP_TIMEOUT_MS = 240_000;

let dataDir: string;
let importRoot: string;
let server: RunningServer | undefined;
let cookie = '';

const serverEnv = () => ({
  CURIO_BACKBONE: 'mobilenet-v2@96',
  CURIO_IMPORT_ROOTS: importRoot,
});

async function start(): Promise<RunningServer> {
  server = await startServer(serverEnv(), { dataDir });
  cookie = await signIn(server);
  return server;
}

async function signIn(running: RunningServer): Promise<string> {
  const response = await fetch(`${running.baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: running.baseUrl },
    body: JSON.stringify(E2E_ADMIN),
  });
  expect(response.status).toBe(200);
  return (response.headers.get('set-cookie') ?? '').split(';')[0];
}

async function api<T>(
  pathName: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  if (!server) throw new Error('The server is not running.');
  const response = await fetch(`${server.baseUrl}${pathName}`, {
    method: init.method ?? 'GET',
    headers: {
      cookie,
      origin: server.baseUrl,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await response.json()) as T;
  if (!response.ok) throw new Error(`${pathName}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

interface JobView {
  id: number;
  state: string;
  error: string | null;
  progress: { done?: number; stage?: string } | null;
}

async function jobOf(id: number): Promise<JobView> {
  return (await api<{ job: JobView }>(`/api/jobs/${id}`)).job;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Gave up waiting for ${what}.`);
}

function readDatabase<T>(read: (db: Database.Database) => T): T {
  const db = new Database(path.join(dataDir, 'curio.sqlite'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

function consistencyProblems(): string[] {
  return readDatabase((db) => {
    const problems: string[] = [];
    const items = db.prepare('SELECT id, file_path AS filePath FROM items').all() as {
      id: number;
      filePath: string;
    }[];
    for (const item of items) {
      if (!fs.existsSync(path.join(dataDir, item.filePath))) {
        problems.push(`item ${item.id} has no file at ${item.filePath}`);
      }
    }
    const orphans = db
      .prepare(
        'SELECT a.id FROM annotations a LEFT JOIN items i ON i.id = a.item_id WHERE i.id IS NULL',
      )
      .all() as { id: number }[];
    for (const orphan of orphans) problems.push(`annotation ${orphan.id} has no item`);
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    return problems;
  });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-durability-'));
  importRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-durability-roots-'));
  const folder = path.join(importRoot, 'scans');
  fs.mkdirSync(folder);
  for (let i = 0; i < IMPORT_IMAGES; i += 1) {
    const noise = Buffer.alloc(96 * 96 * 3);
    for (let p = 0; p < noise.length; p += 1) noise[p] = (i * 7919 + p * 31) % 251;
    await sharp(noise, { raw: { width: 96, height: 96, channels: 3 } })
      .jpeg()
      .toFile(path.join(folder, `scan-${String(i).padStart(4, '0')}.jpg`));
  }
  await start();
}, STEP_TIMEOUT_MS);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(importRoot, { recursive: true, force: true });
});

describe('a server killed mid-job', () => {
  it(
    'leaves a folder import failed with the reason, and every item row with its file',
    async () => {
      const { collection } = await api<{ collection: { id: number } }>('/api/collections', {
        method: 'POST',
        body: { name: 'Crash test', annotationMode: 'single' },
      });
      const { job } = await api<{ job: { id: number } }>(
        `/api/collections/${collection.id}/imports/folder`,
        { method: 'POST', body: { path: 'scans' } },
      );
      await waitFor('the import to be under way', async () => {
        const view = await jobOf(job.id);
        return (view.progress?.done ?? 0) >= 20 ? view : undefined;
      });

      await server?.kill();
      const itemsAtCrash = readDatabase(
        (db) => (db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n,
      );
      expect(itemsAtCrash).toBeLessThan(IMPORT_IMAGES + 37);
      await start();

      const after = await jobOf(job.id);
      expect(after.state).toBe('failed');
      expect(after.error).toContain(STOPPED_SERVER_REASON);
      expect(consistencyProblems()).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'leaves a training failed with the reason and the previous model still active',
    async () => {
      const { collections } = await api<{ collections: { id: number; name: string }[] }>(
        '/api/collections',
      );
      const demo = collections.find((c) => c.name === 'Demo collection');
      if (!demo) throw new Error('The demo collection was not seeded.');
      const train = () =>
        api<{ job: { id: number } }>(`/api/collections/${demo.id}/training`, {
          method: 'POST',
          body: { kinds: ['classifier'], options: { epochs: 5 } },
        });

      const first = await train();
      await waitFor('the first training to finish', async () => {
        const view = await jobOf(first.job.id);
        if (view.state === 'failed') throw new Error(`The first training failed: ${view.error}`);
        return view.state === 'succeeded' ? view : undefined;
      });
      const activeBefore = readDatabase(
        (db) =>
          db
            .prepare('SELECT id, artifact_path AS artifactPath FROM models WHERE active = 1')
            .all() as { id: number; artifactPath: string }[],
      );
      expect(activeBefore).toHaveLength(1);

      const second = await train();
      await waitFor('the second training to be running', async () => {
        const view = await jobOf(second.job.id);
        return view.state === 'running' ? view : undefined;
      });
      await server?.kill();
      await start();

      const after = await jobOf(second.job.id);
      expect(after.state).toBe('failed');
      expect(after.error).toContain(STOPPED_SERVER_REASON);
      const models = readDatabase(
        (db) =>
          db.prepare('SELECT id, status, active FROM models ORDER BY id').all() as {
            id: number;
            status: string;
            active: number;
          }[],
      );
      expect(models.filter((m) => m.active === 1).map((m) => m.id)).toEqual([activeBefore[0].id]);
      expect(models.filter((m) => m.status === 'training')).toEqual([]);
      expect(fs.existsSync(path.join(dataDir, activeBefore[0].artifactPath))).toBe(true);
      expect(consistencyProblems()).toEqual([]);
    },
    STEP_TIMEOUT_MS * 2,
  );
});

describe('metadata with markup', () => {
  it('arrives on the item page as text, never as a script', async () => {
    const item = readDatabase(
      (db) =>
        db
          .prepare(
            'SELECT i.id, c.slug FROM items i JOIN collections c ON c.id = i.collection_id LIMIT 1',
          )
          .get() as { id: number; slug: string },
    );
    const payload = '<script>window.pwned=1</script><img src=x onerror=alert(1)>';
    const writer = new Database(path.join(dataDir, 'curio.sqlite'));
    writer
      .prepare('UPDATE items SET title = ?, metadata = ? WHERE id = ?')
      .run(payload, JSON.stringify({ 'dc:description': payload }), item.id);
    writer.close();

    const response = await fetch(`${server?.baseUrl}/collections/${item.slug}/items/${item.id}`, {
      headers: { cookie },
    });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(html).not.toContain('<script>window.pwned=1</script>');
    expect(html).not.toContain('<img src=x onerror');
  });
});
