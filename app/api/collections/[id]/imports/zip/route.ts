import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection } from '@/lib/collections/collection-repo';
import { found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { startImportJob } from '@/lib/import/import-job';
import {
  MAX_ZIP_UPLOAD_BYTES,
  checkDeclaredLength,
  saveStreamToTemporaryFile,
} from '@/lib/import/upload-storage';
import { importZip } from '@/lib/import/zip-import';

type Context = { params: Promise<{ id: string }> };

/**
 * Starts importing a zip archive sent as the raw request body (?name=archive.zip): the body is
 * streamed to a temporary file, never held in memory, and the job unpacks it. 202 + job.
 */
export const POST = handle(async (request: Request, context: Context) => {
  const user = requirePermission(request, 'item:import');
  const collectionId = idParam((await context.params).id, 'collection');
  found(getCollection(getDb(), collectionId), `Collection ${collectionId}`);
  checkDeclaredLength(request, 'zip archive', MAX_ZIP_UPLOAD_BYTES);
  const fileName = new URL(request.url).searchParams.get('name')?.slice(0, 200) || 'upload.zip';

  const zipPath = await saveStreamToTemporaryFile(request.body, {
    extension: 'zip',
    maxBytes: MAX_ZIP_UPLOAD_BYTES,
    what: 'zip archive',
  });
  const job = startImportJob(
    getDb(),
    { collectionId, userId: user.id, params: { source: 'zip', fileName }, ownedFiles: [zipPath] },
    async ({ signal, progress }) => ({
      ...(await importZip(getDb(), {
        zipPath,
        fileName,
        collectionId,
        userId: user.id,
        signal,
        onProgress: progress,
      })),
    }),
  );

  return Response.json({ job }, { status: 202 });
});
