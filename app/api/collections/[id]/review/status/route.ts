import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { getReviewLoopStatus } from '@/lib/review/review-service';
import { getTrainingStatus } from '@/lib/training/training-jobs';

/**
 * What the review page polls: the active model ids (a change means the queue must refresh),
 * reviews since the labeler's snapshot against the retrain count, and any running training job.
 */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    requirePermission(request, 'review:write');
    const id = idParam((await context.params).id, 'collection');

    const db = getDb();
    const collection = found(getCollection(db, id), `Collection ${id}`);
    const training = getTrainingStatus(db, collection.id).active;
    return Response.json({
      ...getReviewLoopStatus(db, collection),
      trainingJob: training ? { id: training.id, state: training.state } : null,
    });
  },
);
