import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';
import { saveReview, saveReviewSchema } from '@/lib/review/review-service';

/** A reviewer's decision on an item: an annotation with source "review", model and queue. */
export const POST = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'review:write');
    const id = idParam((await context.params).id, 'item');
    const body = await readJson(request, saveReviewSchema);

    const annotation = saveReview(getDb(), user, id, body);
    return Response.json({ annotation }, { status: 201 });
  },
);
