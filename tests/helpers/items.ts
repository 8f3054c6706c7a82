import sharp from 'sharp';
import type { Db } from '@/db/client';
import { insertItem, type Item } from '@/lib/collections/item-repo';
import { storeImage } from '@/lib/images/image-store';

/**
 * Real images for tests: sharp renders a small solid-colour PNG (optionally with an EXIF
 * orientation), the image store keeps it like an import would, and the item row points at it.
 */
export async function makeImage(
  options: { width?: number; height?: number; seed?: number; orientation?: number } = {},
): Promise<Buffer> {
  const seed = options.seed ?? 0;
  const image = sharp({
    create: {
      width: options.width ?? 48,
      height: options.height ?? 32,
      channels: 3,
      background: { r: (seed * 37) % 256, g: (seed * 91) % 256, b: (seed * 53) % 256 },
    },
  });
  if (options.orientation)
    return image.jpeg().withMetadata({ orientation: options.orientation }).toBuffer();
  return image.png().toBuffer();
}

export async function addStoredItem(
  db: Db,
  dataDir: string,
  collectionId: number,
  options: {
    seed?: number;
    width?: number;
    height?: number;
    orientation?: number;
    title?: string;
  } = {},
): Promise<Item> {
  const stored = await storeImage(await makeImage(options), collectionId, dataDir);
  if (!stored.ok) throw new Error(`The test image was refused: ${stored.reason}`);

  const { image } = stored;
  return insertItem(db, {
    collectionId,
    sourceKind: 'upload',
    sourceUri: `test/${image.contentHash.slice(0, 8)}.${image.extension}`,
    contentHash: image.contentHash,
    filePath: image.filePath,
    mimeType: image.mimeType,
    sizeBytes: image.sizeBytes,
    width: image.width,
    height: image.height,
    title: options.title ?? null,
  });
}
