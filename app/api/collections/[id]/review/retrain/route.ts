import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { startTraining } from '@/lib/training/training-jobs';

/** Retrains both models from the review page; a 409 says one is already training. */
export const POST = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'model:train');
    const id = idParam((await context.params).id, 'collection');

    const db = getDb();
    found(getCollection(db, id), `Collection ${id}`);
    const job = startTraining(db, {
      collectionId: id,
      kinds: ['classifier', 'labeler'],
      userId: user.id,
      reason: 'review',
    });
    return Response.json({ job: { id: job.id, state: job.state } }, { status: 202 });
  },
);
