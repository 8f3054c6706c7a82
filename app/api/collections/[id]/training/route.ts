import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { handle, idParam, readJson } from '@/lib/http';
import { getTrainingStatus, startTraining } from '@/lib/training/training-jobs';
import { trainingRequestSchema } from '@/lib/training/training-request';

type Context = { params: Promise<{ id: string }> };

/** The collection's queued or running training job and its recent training jobs. */
export const GET = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'model:read');
  const id = idParam((await context.params).id, 'collection');

  const db = getDb();
  found(getCollection(db, id), `Collection ${id}`);

  return Response.json(getTrainingStatus(db, id));
});

/** Queues training of one or both kinds; answers 202 with the job, the worker does the rest. */
export const POST = handle(async (request: Request, context: Context) => {
  const user = requirePermission(request, 'model:train');
  const collectionId = idParam((await context.params).id, 'collection');
  const body = await readJson(request, trainingRequestSchema);

  const job = startTraining(getDb(), {
    collectionId,
    kinds: body.kinds,
    options: body.options,
    userId: user.id,
    reason: 'manual',
  });

  return Response.json({ job }, { status: 202 });
});
