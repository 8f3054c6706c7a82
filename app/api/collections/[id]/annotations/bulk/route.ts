import { getDb } from '@/db/client';
import { bulkActionSchema, bulkAnnotate } from '@/lib/annotation/bulk-annotate';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';
import { afterAnnotationsSaved } from '@/lib/training/auto-retrain';

/** Adds or removes a label, or marks "none of these", on many items in one transaction. */
export const POST = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'annotation:write');
    const collectionId = idParam((await context.params).id, 'collection');
    const body = await readJson(request, bulkActionSchema);

    const db = getDb();
    const result = bulkAnnotate(db, user, collectionId, body);
    if (result.changed > 0) afterAnnotationsSaved(db, collectionId, user.id);

    return Response.json(result);
  },
);
