import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';
import { undoReview, undoReviewSchema } from '@/lib/review/review-service';

/** Undoes the reviewer's latest decision on an item by appending the state before it. */
export const POST = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'review:write');
    const id = idParam((await context.params).id, 'item');
    const body = await readJson(request, undoReviewSchema);

    const annotation = undoReview(getDb(), user, id, body.undoOf);
    return Response.json({ annotation }, { status: 201 });
  },
);
