import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { parseBrowseQuery } from '@/lib/collections/browse-query';
import { getCollection } from '@/lib/collections/collection-repo';
import { listBrowseItems } from '@/lib/collections/item-browse-repo';
import { found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';

/** A page of a collection's items with their current labels; nextAfter is null on the last. */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    requirePermission(request, 'collection:read');
    const id = idParam((await context.params).id, 'collection');
    const query = parseBrowseQuery(Object.fromEntries(new URL(request.url).searchParams));

    const db = getDb();
    found(getCollection(db, id), `Collection ${id}`);
    const items = listBrowseItems(db, id, query.filter, query.afterId, query.limit + 1);

    const page = items.slice(0, query.limit);
    const nextAfter = items.length > query.limit ? page[page.length - 1].id : null;
    return Response.json({ items: page, nextAfter });
  },
);
