import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

/**
 * Validates images and stores their originals under the data directory, content-addressed:
 * items/<collectionId>/<hash[0..2]>/<hash>.<ext>. Every image is decoded in full before it is
 * accepted, so a truncated or corrupt file is refused here rather than later in a thumbnail or a
 * training run. Problems are returned as values naming the file and what is wrong with it.
 */

/** Decompression-bomb guard: a small file may declare an enormous canvas. */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** Side of the throwaway rendering that forces a full decode of every pixel row. */
const VALIDATION_SIDE_PX = 64;

const FORMATS: Record<string, { mimeType: string; extension: string; label: string }> = {
  jpeg: { mimeType: 'image/jpeg', extension: 'jpg', label: 'JPEG' },
  png: { mimeType: 'image/png', extension: 'png', label: 'PNG' },
  webp: { mimeType: 'image/webp', extension: 'webp', label: 'WebP' },
  tiff: { mimeType: 'image/tiff', extension: 'tif', label: 'TIFF' },
  gif: { mimeType: 'image/gif', extension: 'gif', label: 'GIF' },
  avif: { mimeType: 'image/avif', extension: 'avif', label: 'AVIF' },
};

export interface ValidImage {
  contentHash: string;
  mimeType: string;
  extension: string;
  sizeBytes: number;
  /** Width and height as displayed, after the EXIF orientation is applied. */
  width: number;
  height: number;
}

export interface StoredImage extends ValidImage {
  /** Relative to the data directory, with forward slashes. */
  filePath: string;
}

export type ImageResult<T> = { ok: true; image: T } | { ok: false; reason: string };

export function sha256Hex(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

export function formatBytes(sizeBytes: number): string {
  if (sizeBytes >= 1024 * 1024) return `${Math.round((sizeBytes / (1024 * 1024)) * 10) / 10} MB`;
  if (sizeBytes >= 1024) return `${Math.round(sizeBytes / 1024)} kB`;
  return `${sizeBytes} bytes`;
}

/** The first problem that makes these bytes unacceptable by size alone, if any. */
export function sizeProblem(
  sizeBytes: number,
  maxBytes = env().CURIO_MAX_UPLOAD_BYTES,
): string | null {
  if (sizeBytes === 0) return 'empty file';
  if (sizeBytes > maxBytes) {
    return `larger than ${formatBytes(maxBytes)} (${formatBytes(sizeBytes)}; see CURIO_MAX_UPLOAD_BYTES)`;
  }
  return null;
}

function formatKey(
  format: string | undefined,
  compression: string | undefined,
): string | undefined {
  // sharp reports AVIF as the HEIF container with AV1 compression; HEIC (HEVC) is not decodable
  // by the prebuilt libvips, so it stays unsupported.
  if (format === 'heif') return compression === 'av1' ? 'avif' : undefined;
  return format;
}

/** How far from the end a format's closing marker may sit (some writers pad files). */
const END_MARKER_WINDOW_BYTES = 1024;

const END_MARKERS: Record<string, Buffer> = {
  jpeg: Buffer.from([0xff, 0xd9]),
  png: Buffer.from('IEND', 'ascii'),
};

/** True when a JPEG or PNG lacks its closing marker: the file was cut short. */
function lacksEndMarker(bytes: Buffer, formatKey: string): boolean {
  const marker = END_MARKERS[formatKey];
  if (!marker) return false;
  const tail = bytes.subarray(Math.max(0, bytes.length - END_MARKER_WINDOW_BYTES));
  return tail.indexOf(marker) === -1;
}

function decodeProblem(error: unknown, bytes: Buffer, formatKey: string, label: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(message)) {
    return `larger than ${MAX_IMAGE_PIXELS / 1e6} megapixels`;
  }
  // libvips keeps its error text per thread and, with several decodes in flight, sometimes
  // reports only "Unknown error"; the missing end marker tells truncation apart reliably.
  if (
    lacksEndMarker(bytes, formatKey) ||
    /premature end|truncated|not enough data|unexpected end|end of (file|stream)/i.test(message)
  ) {
    return `truncated ${label}`;
  }
  return `corrupt ${label} (${message.split('\n')[0].trim()})`;
}

/**
 * Checks that the bytes are one supported, complete image of acceptable size. The declared
 * dimensions are read from the header first so that a decompression bomb is refused before any
 * pixel is decoded; then the whole image is decoded at a tiny size, which reads every row.
 */
export async function validateImage(bytes: Buffer): Promise<ImageResult<ValidImage>> {
  const tooBig = sizeProblem(bytes.length);
  if (tooBig) return { ok: false, reason: tooBig };

  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, reason: 'not an image (or not a format Curio reads)' };
  }

  const key = formatKey(metadata.format, metadata.compression);
  const format = key ? FORMATS[key] : undefined;
  if (!format)
    return { ok: false, reason: `unsupported image format (${metadata.format ?? 'unknown'})` };

  const declaredPixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  if (declaredPixels === 0) return { ok: false, reason: `corrupt ${format.label} (no dimensions)` };
  if (declaredPixels > MAX_IMAGE_PIXELS) {
    return {
      ok: false,
      reason: `larger than ${MAX_IMAGE_PIXELS / 1e6} megapixels (${metadata.width}×${metadata.height})`,
    };
  }

  try {
    // failOn 'error' rejects truncation and decoder errors but tolerates the harmless warnings
    // that many scanners and cameras leave in otherwise good files.
    await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS, pages: 1 })
      .resize(VALIDATION_SIDE_PX, VALIDATION_SIDE_PX, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch (error) {
    return { ok: false, reason: decodeProblem(error, bytes, key ?? '', format.label) };
  }

  const oriented = metadata.autoOrient ?? {
    width: metadata.width ?? 0,
    height: metadata.height ?? 0,
  };
  return {
    ok: true,
    image: {
      contentHash: sha256Hex(bytes),
      mimeType: format.mimeType,
      extension: format.extension,
      sizeBytes: bytes.length,
      width: oriented.width,
      height: oriented.height,
    },
  };
}

/** Where an original with this hash lives, relative to the data directory. */
export function originalPath(collectionId: number, contentHash: string, extension: string): string {
  return [
    'items',
    String(collectionId),
    contentHash.slice(0, 2),
    `${contentHash}.${extension}`,
  ].join('/');
}

/** Writes a file so that readers never see half of it: a temporary file, then a rename. */
export async function writeFileAtomically(file: string, bytes: Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });

  const temporary = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temporary, bytes);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Validates an image and stores the original for a collection. Returns what insertItem needs
 * (besides the source fields the caller knows). Storing the same bytes twice writes once.
 */
export async function storeImage(
  bytes: Buffer,
  collectionId: number,
  dataDir = env().dataDir,
): Promise<ImageResult<StoredImage>> {
  const validated = await validateImage(bytes);
  if (!validated.ok) return validated;

  const { image } = validated;
  const filePath = originalPath(collectionId, image.contentHash, image.extension);
  const absolute = path.join(dataDir, filePath);
  const alreadyStored = await fs
    .stat(absolute)
    .then((stats) => stats.size === image.sizeBytes)
    .catch(() => false);
  if (!alreadyStored) await writeFileAtomically(absolute, bytes);

  return { ok: true, image: { ...image, filePath } };
}

/** For request handlers: a refused image as an AppError whose message names the file. */
export function imageProblemError(fileName: string, reason: string): AppError {
  const code = reason.startsWith('larger than') ? 'payload_too_large' : 'unsupported_media_type';
  return new AppError(code, `${fileName}: ${reason}.`);
}
