import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getItemDetail } from '@/lib/collections/item-detail';
import { handle, idParam } from '@/lib/http';

export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    requirePermission(request, 'collection:read');
    const id = idParam((await context.params).id, 'item');

    const { item, labels, history } = getItemDetail(getDb(), id);

    return Response.json({ item, labels, history });
  },
);
