import { z } from 'zod';
import { getDb } from '@/db/client';
import { ANNOTATE_QUEUES } from '@/lib/annotation/annotate-queue-repo';
import { MAX_NEXT_COUNT, nextAnnotateItems } from '@/lib/annotation/annotate-queue';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { handle, idParam, parseWith } from '@/lib/http';

const idList = z
  .string()
  .default('')
  .transform((text) => text.split(',').filter(Boolean).map(Number))
  .pipe(z.array(z.number().int().positive()).max(200));

const querySchema = z.object({
  count: z.coerce.number().int().min(1).max(MAX_NEXT_COUNT).default(5),
  queue: z.enum(ANNOTATE_QUEUES).default('unannotated'),
  held: idList,
  skipped: idList,
});

/**
 * The next items to annotate, leased to the caller: ?count=5&queue=unannotated&held=1,2&skipped=3.
 * `held` are the items the client still has (their leases are renewed), `skipped` its skip list.
 */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'annotation:write');
    const collectionId = idParam((await context.params).id, 'collection');
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const query = parseWith(querySchema, params, 'query');

    const db = getDb();
    found(getCollection(db, collectionId), `Collection ${collectionId}`);
    const batch = nextAnnotateItems(db, {
      collectionId,
      userId: user.id,
      queue: query.queue,
      count: query.count,
      heldIds: query.held,
      skippedIds: query.skipped,
    });

    return Response.json({
      ...batch,
      items: batch.items.map(({ item, current, suggestion }) => ({
        item,
        current,
        suggestion,
        imageUrl: `/api/items/${item.id}/image`,
      })),
    });
  },
);
