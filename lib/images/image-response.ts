import fs from 'node:fs/promises';
import type { Item } from '@/lib/collections/item-repo';
import { AppError } from '@/lib/errors';
import { ensureThumbnail, storedFilePath, type ThumbnailSize } from './thumbnail';

/**
 * HTTP responses for images. Both are private (they need a session) but immutable: a URL's bytes
 * never change, because originals and thumbnails are named by their content hash.
 */

const IMMUTABLE = 'private, max-age=31536000, immutable';

export function etagFor(contentHash: string, variant: string): string {
  return `"${contentHash}-${variant}"`;
}

/** True when If-None-Match names this ETag (or "*"), weak or strong. */
export function matchesEtag(request: Request, etag: string): boolean {
  const header = request.headers.get('if-none-match');
  if (!header) return false;

  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

function notModified(etag: string): Response {
  return new Response(null, { status: 304, headers: { ETag: etag, 'Cache-Control': IMMUTABLE } });
}

export async function thumbnailResponse(
  request: Request,
  dataDir: string,
  item: Item,
  size: ThumbnailSize,
): Promise<Response> {
  const etag = etagFor(item.contentHash, `w${size}`);
  if (matchesEtag(request, etag)) return notModified(etag);

  const thumbnail = await ensureThumbnail(dataDir, item, size);
  const bytes = await fs.readFile(thumbnail.file);
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': 'image/webp',
      'Content-Length': String(bytes.length),
      'Cache-Control': IMMUTABLE,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}

export async function originalResponse(
  request: Request,
  dataDir: string,
  item: Item,
): Promise<Response> {
  const etag = etagFor(item.contentHash, 'original');
  if (matchesEtag(request, etag)) return notModified(etag);

  let bytes: Buffer;
  try {
    bytes = await fs.readFile(storedFilePath(dataDir, item.filePath));
  } catch {
    throw new AppError('not_found', 'The original image of this item is missing from the store.');
  }

  const extension = item.filePath.split('.').pop() ?? 'bin';
  return new Response(new Uint8Array(bytes), {
    headers: {
      'Content-Type': item.mimeType,
      'Content-Length': String(bytes.length),
      'Content-Disposition': `inline; filename="item-${item.id}.${extension}"`,
      'Cache-Control': IMMUTABLE,
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
