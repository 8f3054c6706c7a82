import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection, listLabels } from '@/lib/collections/collection-repo';
import { changeCollection, collectionChangesSchema } from '@/lib/collections/collection-service';
import { found } from '@/lib/errors';
import { handle, idParam, readJson } from '@/lib/http';

type Context = { params: Promise<{ id: string }> };

export const GET = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'collection:read');
  const id = idParam((await context.params).id, 'collection');

  const db = getDb();
  const collection = found(getCollection(db, id), `Collection ${id}`);

  return Response.json({ collection, labels: listLabels(db, id) });
});

export const PATCH = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'collection:manage');
  const id = idParam((await context.params).id, 'collection');
  const changes = await readJson(request, collectionChangesSchema);

  const collection = changeCollection(getDb(), id, changes);

  return Response.json({ collection });
});
