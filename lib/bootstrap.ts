import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { getDb, type Db } from '@/db/client';
import { ANNOTATION_MODES } from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { countUsers, insertUser } from '@/lib/auth/user-repo';
import {
  addLabels,
  createCollection,
  getCollectionByName,
} from '@/lib/collections/collection-repo';
import { env } from '@/lib/env';
import { importFolder } from '@/lib/import/folder-import';
import { failRunningJobs } from '@/lib/jobs/job-repo';
import { STOPPED_SERVER_REASON } from '@/lib/jobs/run-in-background';
import { createLogger } from '@/lib/log';
import { recoverTraining } from '@/lib/training/recover-training';

/**
 * What the server does once when it starts (from instrumentation.ts), before serving requests:
 * migrate the database, create the first admin from the environment, fail jobs that a previous
 * process left running, and on the very first start seed the demo collection. Every step is
 * idempotent, so `next dev` reloads and restarts do no harm.
 */

const log = createLogger('bootstrap');

/** Written after the first start's demo import, so a deleted demo collection stays deleted. */
export const DEMO_MARKER_FILE = '.demo-seeded';

const demoCollectionSchema = z.object({
  name: z.string().min(1),
  mode: z.enum(ANNOTATION_MODES),
  description: z.string().default(''),
  labels: z.array(z.object({ name: z.string().min(1), description: z.string().default('') })),
});

export interface BootstrapOptions {
  db?: Db;
  /** The folder holding collection.json and the demo images; `demo/` of the working directory. */
  demoDir?: string;
}

async function createAdminFromEnv(db: Db): Promise<void> {
  const { CURIO_ADMIN_EMAIL: email, CURIO_ADMIN_PASSWORD: password } = env();
  if (countUsers(db) > 0) return;
  if (!email || !password) {
    log.info('There are no accounts yet; open /setup to create the first administrator.');
    return;
  }

  insertUser(db, {
    email,
    name: 'Administrator',
    role: 'admin',
    passwordHash: await hashPassword(password),
  });
  log.info(`Created the administrator ${email} from CURIO_ADMIN_EMAIL and CURIO_ADMIN_PASSWORD.`);
}

function failStaleJobs(db: Db): void {
  const stale = failRunningJobs(db, STOPPED_SERVER_REASON);
  if (stale.length > 0) {
    log.warn(
      `Marked ${stale.length} job(s) failed because the server stopped while they ran: ${stale.join(', ')}.`,
    );
  }
}

export async function seedDemoCollection(db: Db, demoDir: string): Promise<void> {
  const marker = path.join(env().dataDir, DEMO_MARKER_FILE);
  if (!env().CURIO_SEED_DEMO || fs.existsSync(marker)) return;

  const manifestFile = path.join(demoDir, 'collection.json');
  if (!fs.existsSync(manifestFile)) {
    log.warn(`The demo collection was not seeded because ${manifestFile} does not exist.`);
    return;
  }

  const manifest = demoCollectionSchema.parse(JSON.parse(fs.readFileSync(manifestFile, 'utf8')));
  const existing = getCollectionByName(db, manifest.name);
  const collection =
    existing ??
    db.transaction(() => {
      const created = createCollection(db, {
        name: manifest.name,
        annotationMode: manifest.mode,
        description: manifest.description,
      });
      addLabels(db, created.id, manifest.labels);
      return created;
    });

  const report = await importFolder(db, {
    root: demoDir,
    collectionId: collection.id,
    sourceKind: 'demo',
  });
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  log.info(
    `Seeded the "${collection.name}" collection with ${report.added} demo images ` +
      `(${report.failures.length} failed); set CURIO_SEED_DEMO=false to skip this on a new data folder.`,
  );
}

// Kept on globalThis: Next's dev server may evaluate instrumentation more than once per process.
const globalForBootstrap = globalThis as typeof globalThis & { curioBootstrap?: Promise<void> };

/** Runs the start-up steps once per process; later calls wait for the first run. */
export function bootstrap(options: BootstrapOptions = {}): Promise<void> {
  globalForBootstrap.curioBootstrap ??= runBootstrap(options);
  return globalForBootstrap.curioBootstrap;
}

/** The start-up steps themselves, without the once-per-process guard (tests call this). */
export async function runBootstrap(options: BootstrapOptions = {}): Promise<void> {
  const db = options.db ?? getDb();
  log.info(`Curio is starting with the data folder ${env().dataDir}; the database is migrated.`);

  await createAdminFromEnv(db);
  failStaleJobs(db);
  recoverTraining(db);
  await seedDemoCollection(db, options.demoDir ?? path.join(process.cwd(), 'demo'));
}
