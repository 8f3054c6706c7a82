import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJob, getJob, listJobEvents } from '@/lib/jobs/job-repo';
import { runJob } from '@/lib/jobs/run-in-background';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

let testDb: TestDatabase;
beforeEach(() => {
  testDb = createTestDatabase();
});
afterEach(() => testDb.close());

describe('runJob', () => {
  it('records running, the final progress and the result of a job that succeeds', async () => {
    const job = createJob(testDb.db, { kind: 'import', params: { folder: '/x' } });

    await runJob(testDb.db, job.id, async ({ progress }) => {
      progress({ done: 1, total: 2 });
      progress({ done: 2, total: 2 });
      return { result: { added: 2 } };
    });

    expect(getJob(testDb.db, job.id)).toMatchObject({
      state: 'succeeded',
      progress: { done: 2, total: 2 },
      result: { added: 2 },
      error: null,
    });
    const states = listJobEvents(testDb.db, job.id)
      .filter((event) => event.type === 'state')
      .map((event) => event.data.state);
    expect(states).toEqual(['queued', 'running', 'succeeded']);
  });

  it('records the error message of a job that throws', async () => {
    const job = createJob(testDb.db, { kind: 'import' });

    await runJob(testDb.db, job.id, async () => {
      throw new Error('The disk is full.');
    });

    expect(getJob(testDb.db, job.id)).toMatchObject({
      state: 'failed',
      error: 'The disk is full.',
    });
  });

  it('marks a job cancelled when its work reports that it stopped early', async () => {
    const job = createJob(testDb.db, { kind: 'import' });

    await runJob(testDb.db, job.id, async () => ({ result: { added: 1 }, cancelled: true }));

    expect(getJob(testDb.db, job.id)).toMatchObject({ state: 'cancelled', result: { added: 1 } });
  });
});
