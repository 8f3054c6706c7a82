import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '@/lib/auth/password';
import { countUsers, findUserByEmail } from '@/lib/auth/user-repo';
import { DEMO_MARKER_FILE, runBootstrap } from '@/lib/bootstrap';
import {
  countUnannotated,
  getCollectionByName,
  listLabels,
} from '@/lib/collections/collection-repo';
import { resetEnvForTests } from '@/lib/env';
import { createJob, getJob, markRunning } from '@/lib/jobs/job-repo';
import { startTestApp, type TestApp } from '../helpers/app';

const DEMO_DIR = path.resolve(import.meta.dirname, '../../demo');
const ADMIN_EMAIL = 'keeper@museum.example';
const ADMIN_PASSWORD = 'a long enough password';
let app: TestApp;

function setEnv(values: Record<string, string | undefined>) {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetEnvForTests();
}

beforeEach(() => {
  app = startTestApp();
  setEnv({
    CURIO_ADMIN_EMAIL: ADMIN_EMAIL,
    CURIO_ADMIN_PASSWORD: ADMIN_PASSWORD,
    CURIO_SEED_DEMO: 'false',
  });
});

afterEach(() => {
  setEnv({
    CURIO_ADMIN_EMAIL: undefined,
    CURIO_ADMIN_PASSWORD: undefined,
    CURIO_SEED_DEMO: undefined,
  });
  app.close();
});

function countItems(): number {
  return (app.db.$client.prepare('select count(*) as n from items').get() as { n: number }).n;
}

describe('runBootstrap', () => {
  it('creates the administrator from the environment when there are no accounts, once', async () => {
    await runBootstrap({ db: app.db, demoDir: DEMO_DIR });
    await runBootstrap({ db: app.db, demoDir: DEMO_DIR });

    const admin = findUserByEmail(app.db, ADMIN_EMAIL);
    expect(admin?.role).toBe('admin');
    expect(await verifyPassword(admin?.passwordHash ?? '', ADMIN_PASSWORD)).toBe(true);
    expect(countUsers(app.db)).toBe(1);
  });

  it('creates no account when the admin variables are not set', async () => {
    setEnv({ CURIO_ADMIN_EMAIL: undefined, CURIO_ADMIN_PASSWORD: undefined });

    await runBootstrap({ db: app.db, demoDir: DEMO_DIR });

    expect(countUsers(app.db)).toBe(0);
  });

  it('marks a job left running by a dead process as failed, saying why', async () => {
    const job = createJob(app.db, { kind: 'import' });
    markRunning(app.db, job.id);
    const finished = createJob(app.db, { kind: 'import' });

    await runBootstrap({ db: app.db, demoDir: DEMO_DIR });

    expect(getJob(app.db, job.id)).toMatchObject({
      state: 'failed',
      error: 'the server stopped while it was running',
    });
    expect(getJob(app.db, finished.id)?.state).toBe('queued');
  });

  it('seeds the demo collection with its labels on the first start only', async () => {
    setEnv({ CURIO_SEED_DEMO: 'true' });

    await runBootstrap({ db: app.db, demoDir: DEMO_DIR });

    const demo = getCollectionByName(app.db, 'Demo collection');
    expect(demo?.annotationMode).toBe('single');
    expect(listLabels(app.db, demo?.id ?? 0).map((label) => label.name)).toEqual([
      'landscape',
      'architecture',
      'plant',
      'animal',
      'vehicle',
    ]);
    expect(countItems()).toBe(37);
    // The loose files at the root of demo/ are left for a new user to annotate.
    expect(countUnannotated(app.db, demo?.id ?? 0)).toBe(12);
    expect(fs.existsSync(path.join(app.dataDir, DEMO_MARKER_FILE))).toBe(true);

    // A curator who deletes the demo collection must not see it come back on the next start.
    app.db.$client.prepare('delete from collections').run();
    await runBootstrap({ db: app.db, demoDir: DEMO_DIR });

    expect(getCollectionByName(app.db, 'Demo collection')).toBeUndefined();
    expect(countItems()).toBe(0);
  });
});
