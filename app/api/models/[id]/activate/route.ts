import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { env } from '@/lib/env';
import { handle, idParam } from '@/lib/http';
import { rollBackTo } from '@/lib/training/model-registry';

type Context = { params: Promise<{ id: string }> };

/** Makes an earlier ready model the active one of its kind (a roll-back). */
export const POST = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'model:train');
  const id = idParam((await context.params).id, 'model');

  const model = await rollBackTo(getDb(), env().dataDir, id);

  return Response.json({ model });
});
