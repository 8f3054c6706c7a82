import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { formatBytes } from '@/lib/images/image-store';

/**
 * Limits on what a request may carry, and streaming of large request bodies (zip archives) to a
 * temporary file without holding them in memory.
 */

/** A batch of browser uploads in one request; the imports page sends far smaller batches. */
export const MAX_UPLOAD_REQUEST_BYTES = 256 * 1024 * 1024;
/** One zip archive uploaded for import. */
export const MAX_ZIP_UPLOAD_BYTES = 4 * 1024 * 1024 * 1024;
/** A CSV file of item metadata. */
export const MAX_CSV_BYTES = 64 * 1024 * 1024;

export function tooLargeError(what: string, maxBytes: number): AppError {
  return new AppError(
    'payload_too_large',
    `The ${what} is larger than ${formatBytes(maxBytes)}; split it into smaller parts.`,
  );
}

/** Refuses a request whose declared body is already over the limit, before reading it. */
export function checkDeclaredLength(request: Request, what: string, maxBytes: number): void {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLargeError(what, maxBytes);
}

/** A path for a new temporary upload inside the data directory (same disk as the store). */
export function temporaryUploadPath(extension: string, dataDir = env().dataDir): string {
  const name = `upload-${crypto.randomBytes(8).toString('hex')}.${extension}`;
  return path.join(dataDir, 'tmp', name);
}

/**
 * Streams a body to a new temporary file, counting the bytes actually received; the file is
 * removed and a 413 thrown as soon as the count passes the limit.
 */
export async function saveStreamToTemporaryFile(
  body: ReadableStream<Uint8Array> | null,
  options: { extension: string; maxBytes: number; what: string; dataDir?: string },
): Promise<string> {
  if (!body) throw new AppError('bad_request', `The request carried no ${options.what}.`);
  const file = temporaryUploadPath(options.extension, options.dataDir);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });

  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > options.maxBytes) callback(tooLargeError(options.what, options.maxBytes));
      else callback(null, chunk);
    },
  });

  try {
    await pipeline(
      Readable.fromWeb(body as WebReadableStream<Uint8Array>),
      counter,
      fs.createWriteStream(file),
    );
  } catch (error) {
    await fs.promises.rm(file, { force: true });
    throw error;
  }
  if (received === 0) {
    await fs.promises.rm(file, { force: true });
    throw new AppError('bad_request', `The ${options.what} is empty.`);
  }
  return file;
}

/** Writes a File from a multipart form to a temporary file. */
export async function saveFileToTemporaryFile(
  file: File,
  options: { extension: string; maxBytes: number; what: string; dataDir?: string },
): Promise<string> {
  if (file.size > options.maxBytes) throw tooLargeError(options.what, options.maxBytes);
  return saveStreamToTemporaryFile(file.stream(), options);
}
