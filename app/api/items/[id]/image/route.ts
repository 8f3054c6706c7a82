import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getItem } from '@/lib/collections/item-repo';
import { env } from '@/lib/env';
import { found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { originalResponse } from '@/lib/images/image-response';

/** The stored original, with its own mime type, shown inline. */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    requirePermission(request, 'collection:read');
    const id = idParam((await context.params).id, 'item');

    const item = found(getItem(getDb(), id), `Item ${id}`);

    return originalResponse(request, env().dataDir, item);
  },
);
