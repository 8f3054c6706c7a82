import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { env } from '@/lib/env';
import { startExport } from '@/lib/export/create-export';
import { exportOptionsSchema } from '@/lib/export/export-options';
import { attachmentHeader, toReadableStream } from '@/lib/export/web-stream';
import { handle, idParam, parseWith } from '@/lib/http';

/**
 * Downloads a collection export in one format (csv, jsonl, hf-imagefolder, coco,
 * web-annotations); the query string holds the scope and the format's options. The body is
 * streamed as the database is read.
 */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string; format: string }> }) => {
    requirePermission(request, 'export:run');
    const { id: rawId, format } = await context.params;
    const id = idParam(rawId, 'collection');
    const url = new URL(request.url);
    const options = parseWith(
      exportOptionsSchema,
      { ...Object.fromEntries(url.searchParams), format },
      'export request',
    );

    const file = startExport({
      db: getDb(),
      dataDir: env().dataDir,
      collectionId: id,
      options,
      baseUrl: url.origin,
    });

    return new Response(toReadableStream(file.body), {
      headers: {
        'content-type': file.contentType,
        'content-disposition': attachmentHeader(file.fileName),
        'cache-control': 'no-store',
      },
    });
  },
);
