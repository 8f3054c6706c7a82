import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { deleteLabel, labelChangesSchema, updateLabel } from '@/lib/collections/label-service';
import { handle, idParam, readJson } from '@/lib/http';

type Context = { params: Promise<{ id: string }> };

/** Rename, describe, change hotkey or colour, or move a label to another position. */
export const PATCH = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'collection:manage');
  const id = idParam((await context.params).id, 'label');
  const changes = await readJson(request, labelChangesSchema);

  const label = updateLabel(getDb(), id, changes);

  return Response.json({ label });
});

/** Deletes a label that no annotation uses; otherwise 409 with the number of annotations. */
export const DELETE = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'collection:manage');
  const id = idParam((await context.params).id, 'label');

  deleteLabel(getDb(), id);

  return new Response(null, { status: 204 });
});
