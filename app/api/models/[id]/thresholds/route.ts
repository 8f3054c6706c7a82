import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';
import { setLabelerThresholds, thresholdsSchema } from '@/lib/training/model-registry';

type Context = { params: Promise<{ id: string }> };

/** Sets a labeler's thresholds by label id and re-derives its predictions (no retraining). */
export const PATCH = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'model:train');
  const id = idParam((await context.params).id, 'model');
  const body = await readJson(request, thresholdsSchema);

  const { model, items } = setLabelerThresholds(getDb(), id, body.thresholds);

  return Response.json({ model, items });
});
