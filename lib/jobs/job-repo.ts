import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { jobEvents, jobs, type JobKind, type JobState } from '@/db/schema';

/**
 * Long-running work (imports now; embedding, training, scoring and exports later) is a row in
 * `jobs` whose state moves queued → running → succeeded | failed | cancelled. Each change of state
 * is also appended to `job_events`, so that a page that connects late can replay what happened.
 */

export type Job = typeof jobs.$inferSelect;
export type JobEvent = typeof jobEvents.$inferSelect;

export interface NewJob {
  kind: JobKind;
  collectionId?: number | null;
  params?: Record<string, unknown>;
  createdBy?: number | null;
}

export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled'];

export function getJob(db: Db, id: number): Job | undefined {
  return db.select().from(jobs).where(eq(jobs.id, id)).get();
}

export function appendJobEvent(db: Db, jobId: number, type: string, data: Record<string, unknown>) {
  return db.insert(jobEvents).values({ jobId, type, data }).returning().get();
}

/** Events of a job after a given event id, oldest first. */
export function listJobEvents(db: Db, jobId: number, afterEventId = 0): JobEvent[] {
  return db
    .select()
    .from(jobEvents)
    .where(and(eq(jobEvents.jobId, jobId), gt(jobEvents.id, afterEventId)))
    .orderBy(asc(jobEvents.id))
    .all();
}

export function createJob(db: Db, job: NewJob): Job {
  return db.transaction(() => {
    const row = db
      .insert(jobs)
      .values({
        kind: job.kind,
        collectionId: job.collectionId ?? null,
        params: job.params ?? {},
        createdBy: job.createdBy ?? null,
      })
      .returning()
      .get();
    appendJobEvent(db, row.id, 'state', { state: 'queued' });
    return row;
  });
}

function changeState(
  db: Db,
  id: number,
  state: JobState,
  changes: Partial<Job>,
  eventData: Record<string, unknown> = {},
): Job | undefined {
  return db.transaction(() => {
    const row = db
      .update(jobs)
      .set({ ...changes, state })
      .where(eq(jobs.id, id))
      .returning()
      .get();
    if (row) appendJobEvent(db, id, 'state', { state, ...eventData });
    return row;
  });
}

export function markRunning(db: Db, id: number, now = Date.now()): Job | undefined {
  return changeState(db, id, 'running', { startedAt: now, heartbeatAt: now });
}

/** Records the latest progress (and proves the worker is alive); appends a progress event. */
export function updateProgress(
  db: Db,
  id: number,
  progress: Record<string, unknown>,
  now = Date.now(),
): void {
  db.transaction(() => {
    db.update(jobs).set({ progress, heartbeatAt: now }).where(eq(jobs.id, id)).run();
    appendJobEvent(db, id, 'progress', progress);
  });
}

export function succeed(db: Db, id: number, result: Record<string, unknown>, now = Date.now()) {
  return changeState(db, id, 'succeeded', { result, finishedAt: now, heartbeatAt: now });
}

export function fail(db: Db, id: number, error: string, now = Date.now()) {
  return changeState(db, id, 'failed', { error, finishedAt: now }, { error });
}

export function markCancelled(
  db: Db,
  id: number,
  result: Record<string, unknown> | null = null,
  now = Date.now(),
) {
  return changeState(db, id, 'cancelled', { result, finishedAt: now });
}

export function requestCancel(db: Db, id: number): Job | undefined {
  return db.update(jobs).set({ cancelRequested: true }).where(eq(jobs.id, id)).returning().get();
}

/**
 * Marks every job still `running` as failed with the reason given. Called at start-up, when no
 * job of this process can be running yet, so any such row was left by a process that died.
 */
export function failRunningJobs(db: Db, reason: string, now = Date.now()): number[] {
  const stale = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(inArray(jobs.state, ['running']))
    .all()
    .map((row) => row.id);
  for (const id of stale) fail(db, id, reason, now);
  return stale;
}
