import { getDb } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { requirePermission } from '@/lib/auth/request-auth';
import { AppError, found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { getJob } from '@/lib/jobs/job-repo';
import { cancelJob } from '@/lib/training/cancel-job';

type Context = { params: Promise<{ id: string }> };

/** Cancels a queued job or asks a running one to stop. Who may depends on the kind of job. */
export const POST = handle(async (request: Request, context: Context) => {
  const user = requirePermission(request, 'collection:read');
  const id = idParam((await context.params).id, 'job');

  const db = getDb();
  const job = found(getJob(db, id), `Job ${id}`);
  const permission = job.kind === 'import' ? 'item:import' : 'model:train';
  if (!can(user.role, permission)) {
    throw new AppError('forbidden', `Your role may not cancel ${job.kind} jobs.`);
  }

  return Response.json({ job: cancelJob(db, id) });
});
