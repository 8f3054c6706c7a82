import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { jobEventStream, lastEventIdOf } from '@/lib/jobs/job-event-stream';
import { getJob } from '@/lib/jobs/job-repo';

type Context = { params: Promise<{ id: string }> };

export const dynamic = 'force-dynamic';

/** A job's progress as server-sent events; resumes after Last-Event-ID, ends when it is final. */
export const GET = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'collection:read');
  const id = idParam((await context.params).id, 'job');

  const db = getDb();
  found(getJob(db, id), `Job ${id}`);
  const stream = jobEventStream(db, id, lastEventIdOf(request), request.signal);

  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
});
