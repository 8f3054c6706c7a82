import { z } from 'zod';
import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';
import { importIiif } from '@/lib/import/iiif/iiif-import';
import { startImportJob } from '@/lib/import/import-job';

type Context = { params: Promise<{ id: string }> };

const bodySchema = z.object({
  url: z.url({
    protocol: /^https?$/,
    error: 'enter the http(s) URL of a IIIF manifest or collection',
  }),
});

/** Starts importing a IIIF manifest or collection by URL: 202 + job whose result is the report. */
export const POST = handle(async (request: Request, context: Context) => {
  const user = requirePermission(request, 'item:import');
  const collectionId = idParam((await context.params).id, 'collection');
  const { url } = await readJson(request, bodySchema);

  const job = startImportJob(
    getDb(),
    { collectionId, userId: user.id, params: { source: 'iiif', url } },
    async ({ signal, progress }) => ({
      ...(await importIiif(getDb(), { url, collectionId, signal, onProgress: progress })),
    }),
  );

  return Response.json({ job }, { status: 202 });
});
