import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { handle, idParam, parseWith } from '@/lib/http';
import { queueRequestSchema } from '@/lib/review/queue';
import { getReviewPage } from '@/lib/review/review-service';

/** The reviewer's next items of a queue, leased to them, as review cards. */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'review:write');
    const id = idParam((await context.params).id, 'collection');
    const search = Object.fromEntries(new URL(request.url).searchParams);
    const query = parseWith(queueRequestSchema, search, 'queue request');

    const db = getDb();
    const collection = found(getCollection(db, id), `Collection ${id}`);
    return Response.json(getReviewPage(db, user, collection, query));
  },
);
