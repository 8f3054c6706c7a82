import { getDb } from '@/db/client';
import { bulkActionSchema, bulkAnnotate } from '@/lib/annotation/bulk-annotate';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';

/** Adds or removes a label, or marks "none of these", on many items in one transaction. */
export const POST = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'annotation:write');
    const collectionId = idParam((await context.params).id, 'collection');
    const body = await readJson(request, bulkActionSchema);

    const result = bulkAnnotate(getDb(), user, collectionId, body);
    // TODO: call afterAnnotationsSaved(db, collectionId, user.id) from lib/training/auto-retrain.ts once it exists.

    return Response.json(result);
  },
);
