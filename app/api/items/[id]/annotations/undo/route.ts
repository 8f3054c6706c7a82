import { z } from 'zod';
import { getDb } from '@/db/client';
import { undoAnnotation } from '@/lib/annotation/annotation-service';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';

const bodySchema = z.object({ annotationId: z.number().int().positive() });

/** Undoes the item's latest annotation by appending a restoring row: `{ annotationId }` → 201. */
export const POST = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'annotation:write');
    const itemId = idParam((await context.params).id, 'item');
    const body = await readJson(request, bodySchema);

    const undone = undoAnnotation(getDb(), user, itemId, body.annotationId);

    return Response.json(undone, { status: 201 });
  },
);
