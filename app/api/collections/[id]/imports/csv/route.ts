import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getCollection } from '@/lib/collections/collection-repo';
import { AppError, found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { importCsv } from '@/lib/import/csv-import';
import { startImportJob } from '@/lib/import/import-job';
import {
  MAX_CSV_BYTES,
  MAX_ZIP_UPLOAD_BYTES,
  checkDeclaredLength,
  saveFileToTemporaryFile,
  tooLargeError,
} from '@/lib/import/upload-storage';

type Context = { params: Promise<{ id: string }> };

function fileField(form: FormData, name: string): File | null {
  const value = form.get(name);
  return value !== null && typeof value !== 'string' && value.size > 0 ? value : null;
}

/**
 * Starts a CSV import (multipart: `csv`, and optionally `zip` holding the files the media column
 * names): 202 + job whose result is the report.
 */
export const POST = handle(async (request: Request, context: Context) => {
  const user = requirePermission(request, 'item:import');
  const collectionId = idParam((await context.params).id, 'collection');
  found(getCollection(getDb(), collectionId), `Collection ${collectionId}`);
  checkDeclaredLength(request, 'upload', MAX_CSV_BYTES + MAX_ZIP_UPLOAD_BYTES);

  // TODO: request.formData() buffers the whole body, zip included; a streaming multipart parser
  // would keep a large zip out of memory as the zip-only route does.
  const form = await request.formData().catch(() => {
    throw new AppError('bad_request', 'Send the CSV as multipart/form-data field "csv".');
  });
  const csv = fileField(form, 'csv');
  if (!csv) throw new AppError('validation_failed', 'Choose a CSV file.');
  if (csv.size > MAX_CSV_BYTES) throw tooLargeError('CSV file', MAX_CSV_BYTES);
  const csvText = await csv.text();
  const zipFile = fileField(form, 'zip');
  const zip = zipFile
    ? await saveFileToTemporaryFile(zipFile, {
        extension: 'zip',
        maxBytes: MAX_ZIP_UPLOAD_BYTES,
        what: 'zip archive',
      })
    : undefined;

  const job = startImportJob(
    getDb(),
    {
      collectionId,
      userId: user.id,
      params: { source: 'csv', fileName: csv.name, zipName: zipFile?.name ?? null },
      ownedFiles: zip ? [zip] : [],
    },
    async ({ signal, progress }) => ({
      ...(await importCsv(getDb(), {
        collectionId,
        csvText,
        zip,
        userId: user.id,
        signal,
        onProgress: progress,
      })),
    }),
  );

  return Response.json({ job }, { status: 202 });
});
