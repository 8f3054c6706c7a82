import { getDb } from '@/db/client';
import { saveAnnotation, saveAnnotationSchema } from '@/lib/annotation/annotation-service';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';
import { afterAnnotationsSaved } from '@/lib/training/auto-retrain';

/** Saves an item's annotation: `{ labelIds, none, suggestedByModelId?, queue? }` → 201. */
export const POST = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const user = requirePermission(request, 'annotation:write');
    const itemId = idParam((await context.params).id, 'item');
    const body = await readJson(request, saveAnnotationSchema);

    const db = getDb();
    const saved = saveAnnotation(db, user, itemId, body);
    afterAnnotationsSaved(db, saved.collectionId, user.id);

    return Response.json(saved, { status: 201 });
  },
);
