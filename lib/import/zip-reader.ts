import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { AppError } from '@/lib/errors';
import { formatBytes } from '@/lib/images/image-store';

/**
 * Reads an uploaded zip archive safely, one entry at a time from a file on disk (never the whole
 * archive in memory), and writes its usable entries beneath a destination folder.
 *
 * Refused, each reported by entry name while the rest is extracted:
 * - names that would land outside the destination ("../", absolute paths, drive letters, NUL);
 * - symbolic links (their target could point anywhere once the files are read);
 * - entries larger than the per-entry limit, counted on the bytes actually inflated, so an entry
 *   that lies about its size in the header is cut off as soon as it passes the limit;
 * - zips inside the zip (listed as skipped: they are not opened).
 * Refused as a whole (an AppError): an archive that is not a zip, one with more entries than the
 * limit, or one whose declared or actually inflated total passes the total limit (a zip bomb).
 *
 * Ignored without a word, as in folder imports: directories, hidden files and the __MACOSX
 * resource forks macOS adds.
 */

export interface ZipLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 50_000,
  maxEntryBytes: 100 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
};

export interface ZipEntryNote {
  path: string;
  reason: string;
}

export interface ZipExtraction {
  /** Entry names written beneath the destination, with forward slashes. */
  written: string[];
  refused: ZipEntryNote[];
  skipped: ZipEntryNote[];
  totalBytes: number;
}

export interface ExtractOptions {
  limits?: Partial<ZipLimits>;
  signal?: AbortSignal;
  onEntry?: (done: number, total: number) => void;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

class ZipBombError extends Error {}
class EntryTooLargeError extends Error {}

/**
 * Why an entry name may not be written, or null when it is a safe relative path. Backslashes are
 * read as separators first, as Windows archivers write them.
 */
export function unsafeEntryReason(name: string): string | null {
  const normal = name.replace(/\\/g, '/');
  if (normal.includes('\0')) return 'name contains a NUL character; refused';
  if (normal.startsWith('/')) return 'absolute path; refused';
  if (/^[a-zA-Z]:/.test(normal)) return 'absolute path with a drive letter; refused';
  if (normal.split('/').includes('..')) return 'path leads out of the archive (".."); refused';
  return null;
}

function isIgnored(name: string): boolean {
  const parts = name.split('/');
  return parts[0] === '__MACOSX' || parts.some((part) => part.startsWith('.'));
}

function entryName(entry: Entry): string {
  return yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    false,
  );
}

function isSymbolicLink(entry: Entry): boolean {
  // The Unix mode lives in the high 16 bits of the external attributes of zips made on Unix.
  const madeOnUnix = entry.versionMadeBy >> 8 === 3;
  return madeOnUnix && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

function openZip(zipPath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      zipPath,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
      (error, zip) => {
        if (error || !zip) {
          reject(new AppError('validation_failed', `The upload is not a readable zip archive.`));
          return;
        }
        resolve(zip);
      },
    );
  });
}

function openEntryStream(zip: ZipFile, entry: Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) =>
      error || !stream ? reject(error) : resolve(stream),
    );
  });
}

/** Counts inflated bytes and stops the stream the moment a limit is passed. */
function byteCounter(limits: ZipLimits, totals: { bytes: number }): Transform {
  let entryBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      entryBytes += chunk.length;
      totals.bytes += chunk.length;
      if (totals.bytes > limits.maxTotalBytes) {
        callback(new ZipBombError());
        return;
      }
      if (entryBytes > limits.maxEntryBytes) {
        callback(new EntryTooLargeError());
        return;
      }
      callback(null, chunk);
    },
  });
}

function bombError(limits: ZipLimits): AppError {
  return new AppError(
    'payload_too_large',
    `The zip archive unpacks to more than ${formatBytes(limits.maxTotalBytes)}; it was refused ` +
      `as a possible zip bomb. Split it into smaller archives.`,
  );
}

class Extraction {
  readonly result: ZipExtraction = { written: [], refused: [], skipped: [], totalBytes: 0 };
  private readonly totals = { bytes: 0 };

  constructor(
    private readonly zip: ZipFile,
    private readonly destination: string,
    private readonly limits: ZipLimits,
  ) {}

  /** Handles one entry; throws only for problems that condemn the whole archive. */
  async entry(entry: Entry): Promise<void> {
    const name = entryName(entry);
    // Unsafe names are reported before anything is ignored: "../x" must not pass for hidden.
    const unsafe = unsafeEntryReason(name);
    if (unsafe) {
      this.result.refused.push({ path: name, reason: unsafe });
      return;
    }
    if (name.endsWith('/') || isIgnored(name)) return;
    const relative = name.replace(/\\/g, '/');
    if (isSymbolicLink(entry)) {
      this.result.refused.push({ path: relative, reason: 'symbolic link; refused' });
      return;
    }
    if (/\.zip$/i.test(relative)) {
      this.result.skipped.push({ path: relative, reason: 'zip inside the zip; not opened' });
      return;
    }
    if (entry.uncompressedSize > this.limits.maxEntryBytes) {
      this.result.refused.push({ path: relative, reason: this.tooLarge() });
      return;
    }

    const target = path.resolve(this.destination, relative);
    if (!target.startsWith(this.destination + path.sep)) {
      this.result.refused.push({
        path: relative,
        reason: 'path leads out of the archive; refused',
      });
      return;
    }
    await this.write(entry, relative, target);
  }

  private tooLarge(): string {
    return `larger than the ${formatBytes(this.limits.maxEntryBytes)} allowed per file; refused`;
  }

  private async write(entry: Entry, relative: string, target: string): Promise<void> {
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    try {
      const stream = await openEntryStream(this.zip, entry);
      await pipeline(stream, byteCounter(this.limits, this.totals), fs.createWriteStream(target));
      this.result.written.push(relative);
    } catch (error) {
      await fs.promises.rm(target, { force: true });
      if (error instanceof ZipBombError) throw bombError(this.limits);
      const reason =
        error instanceof EntryTooLargeError
          ? this.tooLarge()
          : `could not be unpacked (${error instanceof Error ? error.message : String(error)})`;
      this.result.refused.push({ path: relative, reason });
    }
    this.result.totalBytes = this.totals.bytes;
  }
}

function checkDeclared(zip: ZipFile, limits: ZipLimits): void {
  if (zip.entryCount > limits.maxEntries) {
    throw new AppError(
      'payload_too_large',
      `The zip archive has ${zip.entryCount} entries; at most ${limits.maxEntries} are accepted.`,
    );
  }
}

/**
 * Extracts the safe entries of a zip file into `destination` (which must exist and should be
 * empty), reporting every entry it refused or skipped.
 */
export async function extractZipSafely(
  zipPath: string,
  destination: string,
  options: ExtractOptions = {},
): Promise<ZipExtraction> {
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.limits };
  const zip = await openZip(zipPath);
  const extraction = new Extraction(zip, path.resolve(destination), limits);

  try {
    checkDeclared(zip, limits);
    let declaredBytes = 0;
    let done = 0;

    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: Entry) => {
        declaredBytes += entry.uncompressedSize;
        if (declaredBytes > limits.maxTotalBytes) {
          reject(bombError(limits));
          return;
        }
        if (options.signal?.aborted) {
          resolve();
          return;
        }
        extraction.entry(entry).then(() => {
          done += 1;
          options.onEntry?.(done, zip.entryCount);
          zip.readEntry();
        }, reject);
      });
      zip.on('end', () => resolve());
      zip.on('error', (error: Error) =>
        reject(new AppError('validation_failed', `The zip archive is damaged: ${error.message}.`)),
      );
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return extraction.result;
}
