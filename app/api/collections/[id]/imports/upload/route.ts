import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { AppError } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { importUploadedFiles, type UploadedFile } from '@/lib/import/upload-import';
import {
  MAX_UPLOAD_REQUEST_BYTES,
  checkDeclaredLength,
  tooLargeError,
} from '@/lib/import/upload-storage';

type Context = { params: Promise<{ id: string }> };

const WHAT = 'upload batch';

async function readFiles(request: Request): Promise<UploadedFile[]> {
  const form = await request.formData().catch(() => {
    throw new AppError('bad_request', 'Send the images as multipart/form-data fields "files".');
  });
  const files = form.getAll('files').filter((value): value is File => typeof value !== 'string');
  if (files.length === 0) throw new AppError('validation_failed', 'Choose at least one image.');

  const totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  if (totalBytes > MAX_UPLOAD_REQUEST_BYTES) throw tooLargeError(WHAT, MAX_UPLOAD_REQUEST_BYTES);

  return Promise.all(
    files.map(async (file) => ({ name: file.name, bytes: Buffer.from(await file.arrayBuffer()) })),
  );
}

/** Imports a batch of uploaded images at once: 200 with the report of every file. */
export const POST = handle(async (request: Request, context: Context) => {
  requirePermission(request, 'item:import');
  const collectionId = idParam((await context.params).id, 'collection');
  checkDeclaredLength(request, WHAT, MAX_UPLOAD_REQUEST_BYTES);

  const files = await readFiles(request);
  const report = await importUploadedFiles(getDb(), { collectionId, files });

  return Response.json({ report });
});
