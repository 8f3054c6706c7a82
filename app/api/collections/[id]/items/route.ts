import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { loadBrowsePage, parseBrowseQuery } from '@/lib/collections/browse-query';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';

/**
 * A page of a collection's items with their current labels. `nextAfter` and `previousBefore`
 * are the `after` and `before` values of the neighbouring pages, null at either end.
 */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    requirePermission(request, 'collection:read');
    const id = idParam((await context.params).id, 'collection');
    const query = parseBrowseQuery(Object.fromEntries(new URL(request.url).searchParams));

    const db = getDb();
    found(getCollection(db, id), `Collection ${id}`);
    const page = loadBrowsePage(db, id, query);

    return Response.json(page);
  },
);
