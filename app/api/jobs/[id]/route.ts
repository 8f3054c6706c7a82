import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { getJob } from '@/lib/jobs/job-repo';

type Context = { params: Promise<{ id: string }> };

/** A job with its state, latest progress and, once finished, its result or error. */
export const GET = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'collection:read');
  const id = idParam((await context.params).id, 'job');

  const job = found(getJob(getDb(), id), `Job ${id}`);

  return Response.json({ job });
});
