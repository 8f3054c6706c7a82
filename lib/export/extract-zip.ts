import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/**
 * Extracts a zip into a folder, one entry at a time. yauzl refuses absolute and ".." entry names,
 * and the resolved path is checked again, so an archive cannot write outside `destination`.
 * `maxBytes` bounds the total uncompressed size against zip bombs.
 */

export interface ExtractOptions {
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error) reject(error);
      else resolve(zip);
    });
  });
}

function openEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(error);
      else resolve(stream);
    });
  });
}

/** Extracts every file entry; returns the relative paths written. */
export async function extractZip(
  file: string,
  destination: string,
  options: ExtractOptions = {},
): Promise<string[]> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const root = path.resolve(destination);
  const zip = await openZip(file);
  const written: string[] = [];
  let totalBytes = 0;

  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const target = path.resolve(root, entry.fileName);
      if (!target.startsWith(root + path.sep)) {
        reject(new Error(`The archive entry ${entry.fileName} points outside the folder.`));
        return;
      }
      totalBytes += entry.uncompressedSize;
      if (totalBytes > maxBytes) {
        reject(new Error(`The archive unpacks to more than ${maxBytes} bytes.`));
        return;
      }
      if (entry.fileName.endsWith('/')) {
        zip.readEntry();
        return;
      }

      fs.promises
        .mkdir(path.dirname(target), { recursive: true })
        .then(() => openEntry(zip, entry))
        .then((stream) => pipeline(stream, fs.createWriteStream(target)))
        .then(() => {
          written.push(entry.fileName);
          zip.readEntry();
        }, reject);
    });
    zip.readEntry();
  });
  return written;
}
