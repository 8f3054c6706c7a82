import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { MAX_IMAGE_PIXELS, writeFileAtomically } from './image-store';

/**
 * Thumbnails: WebP renderings that fit inside a square of one of a few sizes, rotated by their
 * EXIF orientation, made on first request and kept under dataDir/thumbs/<size>/<hash>.webp.
 * A thumbnail depends only on the original's bytes, so the content hash names it for ever.
 */

const log = createLogger('thumbnail');

export const THUMBNAIL_SIZES = [160, 320, 640] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];
export const DEFAULT_THUMBNAIL_SIZE: ThumbnailSize = 320;

const WEBP_QUALITY = 78;

export function isThumbnailSize(value: number): value is ThumbnailSize {
  return (THUMBNAIL_SIZES as readonly number[]).includes(value);
}

export function thumbnailPath(dataDir: string, size: ThumbnailSize, contentHash: string): string {
  if (!/^[0-9a-f]{64}$/.test(contentHash)) {
    throw new AppError('bad_request', 'A thumbnail was asked for an item with a malformed hash.');
  }
  return path.join(dataDir, 'thumbs', String(size), `${contentHash}.webp`);
}

/** Resolves a stored original's path, refusing anything that would leave the data directory. */
export function storedFilePath(dataDir: string, relativePath: string): string {
  const root = path.resolve(dataDir);
  const absolute = path.resolve(root, relativePath);
  if (!absolute.startsWith(root + path.sep)) {
    throw new AppError('not_found', 'The stored file is outside the data directory.');
  }
  return absolute;
}

export interface Thumbnail {
  file: string;
  /** True when this call rendered it; false when it came from the disk cache. */
  created: boolean;
}

/** Returns the cached thumbnail, rendering it first if it does not exist yet. */
export async function ensureThumbnail(
  dataDir: string,
  item: { contentHash: string; filePath: string },
  size: ThumbnailSize,
): Promise<Thumbnail> {
  const file = thumbnailPath(dataDir, size, item.contentHash);
  if (await exists(file)) return { file, created: false };

  const original = storedFilePath(dataDir, item.filePath);
  let bytes: Buffer;
  try {
    bytes = await sharp(original, { limitInputPixels: MAX_IMAGE_PIXELS, pages: 1 })
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: WEBP_QUALITY })
      .toBuffer();
  } catch (error) {
    log.warn('A thumbnail could not be rendered.', { file: item.filePath, size, error });
    throw new AppError('not_found', 'The original image of this item cannot be read.');
  }

  // Two requests racing here both render; each renames a complete file into place.
  await writeFileAtomically(file, bytes);
  return { file, created: true };
}

async function exists(file: string): Promise<boolean> {
  return fs
    .stat(file)
    .then((stats) => stats.isFile())
    .catch(() => false);
}
