import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { env } from '@/lib/env';
import { modelArchive } from '@/lib/export/model-export';
import { attachmentHeader, toReadableStream } from '@/lib/export/web-stream';
import { handle, idParam } from '@/lib/http';

/** Downloads a ready model as a zip that `npm run curio -- predict --model` can use. */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    requirePermission(request, 'export:run');
    const id = idParam((await context.params).id, 'model');

    const archive = modelArchive(getDb(), env().dataDir, id);

    return new Response(toReadableStream(archive.body), {
      headers: {
        'content-type': 'application/zip',
        'content-disposition': attachmentHeader(archive.fileName),
        'cache-control': 'no-store',
      },
    });
  },
);
