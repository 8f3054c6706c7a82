import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { getItem } from '@/lib/collections/item-repo';
import { env } from '@/lib/env';
import { AppError, found } from '@/lib/errors';
import { handle, idParam } from '@/lib/http';
import { thumbnailResponse } from '@/lib/images/image-response';
import { DEFAULT_THUMBNAIL_SIZE, isThumbnailSize, THUMBNAIL_SIZES } from '@/lib/images/thumbnail';

/** A WebP thumbnail: ?size=160|320|640, made once and cached on disk and in the browser. */
export const GET = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    requirePermission(request, 'collection:read');
    const id = idParam((await context.params).id, 'item');
    const size = Number(new URL(request.url).searchParams.get('size') ?? DEFAULT_THUMBNAIL_SIZE);
    if (!isThumbnailSize(size)) {
      throw new AppError(
        'bad_request',
        `Thumbnail size must be one of ${THUMBNAIL_SIZES.join(', ')}.`,
      );
    }

    const item = found(getItem(getDb(), id), `Item ${id}`);

    return thumbnailResponse(request, env().dataDir, item, size);
  },
);
