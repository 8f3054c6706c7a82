import { z } from 'zod';
import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { env } from '@/lib/env';
import { handle, idParam, readJson } from '@/lib/http';
import { startFolderImportJob } from '@/lib/import/folder-import-job';
import { resolveImportFolder } from '@/lib/import/import-roots';

type Context = { params: Promise<{ id: string }> };

const bodySchema = z.object({ path: z.string().trim().min(1, 'enter a folder path') });

/** Starts importing a server folder (inside CURIO_IMPORT_ROOTS) into a collection: 202 + job. */
export const POST = handle(async (request: Request, context: Context) => {
  const user = requirePermission(request, 'item:import-server-folder');
  const collectionId = idParam((await context.params).id, 'collection');
  const body = await readJson(request, bodySchema);

  const folder = await resolveImportFolder(body.path, env().importRoots);
  const job = startFolderImportJob(getDb(), { collectionId, folder, userId: user.id });

  return Response.json({ job }, { status: 202 });
});
