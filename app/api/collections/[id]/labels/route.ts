import { z } from 'zod';
import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection } from '@/lib/collections/collection-repo';
import { addCheckedLabels, newLabelSchema } from '@/lib/collections/label-service';
import { found } from '@/lib/errors';
import { handle, idParam, readJson } from '@/lib/http';

const bodySchema = z.object({ labels: z.array(newLabelSchema).min(1).max(200) });

export const POST = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    requirePermission(request, 'collection:manage');
    const id = idParam((await context.params).id, 'collection');
    const body = await readJson(request, bodySchema);

    const db = getDb();
    found(getCollection(db, id), `Collection ${id}`);
    const labels = addCheckedLabels(db, id, body.labels);

    return Response.json({ labels }, { status: 201 });
  },
);
