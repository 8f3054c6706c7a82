import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { listCollections } from '@/lib/collections/collection-repo';
import {
  createCollectionWithLabels,
  newCollectionSchema,
} from '@/lib/collections/collection-service';
import { handle, readJson } from '@/lib/http';

export const GET = handle(async (request: Request) => {
  requirePermission(request, 'collection:read');

  return Response.json({ collections: listCollections(getDb()) });
});

export const POST = handle(async (request: Request) => {
  const user = requirePermission(request, 'collection:manage');
  const input = await readJson(request, newCollectionSchema);

  const collection = createCollectionWithLabels(getDb(), input, user.id);

  return Response.json({ collection }, { status: 201 });
});
