import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCurrentAnnotations } from '@/lib/annotation/annotation-repo';
import { createCollection, listLabels } from '@/lib/collections/collection-repo';
import { importZip } from '@/lib/import/zip-import';
import { unsafeEntryReason } from '@/lib/import/zip-reader';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeImage, makeTruncatedJpeg } from '../../helpers/images';
import { makeZip, understateSize } from '../../helpers/zips';

let testDb: TestDatabase;
let dataDir: string;
let uploads: string;

beforeEach(() => {
  testDb = createTestDatabase();
  dataDir = path.join(testDb.dir, 'data');
  uploads = path.join(testDb.dir, 'uploads');
  fs.mkdirSync(dataDir);
  fs.mkdirSync(uploads);
});

afterEach(() => testDb.close());

/** Every file under a folder, relative to it. */
function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function writeZip(name: string, entries: Parameters<typeof makeZip>[0]): Promise<string> {
  const file = path.join(uploads, name);
  fs.writeFileSync(file, await makeZip(entries));
  return file;
}

function collection(mode: 'single' | 'multi' = 'single') {
  return createCollection(testDb.db, { name: `Zip ${mode}`, annotationMode: mode });
}

describe('importZip', () => {
  it('imports folder-per-label entries and reports unsafe, corrupt and nested entries', async () => {
    const target = collection();
    const zipPath = await writeZip('batch.zip', [
      { name: 'cat/a.jpg', data: await makeImage(1) },
      { name: 'dog/b.png', data: await makeImage(2, 'png') },
      { name: 'loose.jpg', data: await makeImage(3) },
      { name: 'cat/broken.jpg', data: await makeTruncatedJpeg(4) },
      { name: '../escape.jpg', data: await makeImage(5) },
      { name: '/tmp/absolute.jpg', data: await makeImage(6) },
      { name: 'C:/windows.jpg', data: await makeImage(7) },
      { name: 'inner/more.zip', data: await makeZip([{ name: 'x.jpg', data: 'x' }]) },
      { name: '__MACOSX/cat/._a.jpg', data: 'resource fork' },
    ]);
    // The data folder's parent is this test's own folder, so nothing else writes beside it.
    const outside = testDb.dir;
    const before = fs.readdirSync(outside).sort();

    const report = await importZip(testDb.db, {
      zipPath,
      fileName: 'batch.zip',
      collectionId: target.id,
      dataDir,
    });

    expect(report.added).toBe(3);
    expect(report.failures.map((failure) => failure.path)).toEqual([
      '../escape.jpg',
      '/tmp/absolute.jpg',
      'C:/windows.jpg',
      'cat/broken.jpg',
    ]);
    expect(report.failures[3].reason).toMatch(/truncated JPEG/);
    expect(report.skipped).toEqual([
      { path: 'inner/more.zip', reason: 'zip inside the zip; not opened' },
    ]);
    expect(listLabels(testDb.db, target.id).map((label) => label.name)).toEqual(['cat', 'dog']);
    expect(listCurrentAnnotations(testDb.db, target.id)).toHaveLength(2);

    // Only the three originals were written, all inside the collection's storage; the scratch
    // folder is gone and nothing appeared beside the data folder.
    expect(listFiles(dataDir).every((file) => file.startsWith(`items/${target.id}/`))).toBe(true);
    expect(listFiles(dataDir)).toHaveLength(3);
    expect(fs.readdirSync(outside).sort()).toEqual(before);
    expect(fs.existsSync('/tmp/absolute.jpg')).toBe(false);
  });

  it('refuses an archive that inflates past the total limit', async () => {
    const target = collection();
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const zipPath = await writeZip('bomb.zip', [
      { name: 'a.bin', data: zeros },
      { name: 'b.bin', data: zeros },
    ]);
    expect(fs.statSync(zipPath).size).toBeLessThan(64 * 1024);

    await expect(
      importZip(testDb.db, {
        zipPath,
        fileName: 'bomb.zip',
        collectionId: target.id,
        dataDir,
        limits: { maxTotalBytes: 6 * 1024 * 1024 },
      }),
    ).rejects.toThrow(/possible zip bomb/);
    expect(listFiles(dataDir)).toEqual([]);
  });

  it('refuses an entry larger than the per-entry limit and keeps the others', async () => {
    const target = collection();
    const zipPath = await writeZip('mixed.zip', [
      { name: 'big.jpg', data: Buffer.alloc(300_000) },
      { name: 'ok.jpg', data: await makeImage(8) },
    ]);

    const report = await importZip(testDb.db, {
      zipPath,
      fileName: 'mixed.zip',
      collectionId: target.id,
      dataDir,
      limits: { maxEntryBytes: 100_000 },
    });

    expect(report.added).toBe(1);
    expect(report.failures).toEqual([
      { path: 'big.jpg', reason: expect.stringMatching(/larger than .* allowed per file/) },
    ]);
  });

  it('counts inflated bytes, so an entry that understates its size is still cut off', async () => {
    const target = collection();
    const zip = await makeZip([
      { name: 'liar.jpg', data: Buffer.alloc(2 * 1024 * 1024) },
      { name: 'ok.jpg', data: await makeImage(9) },
    ]);
    const zipPath = path.join(uploads, 'liar.zip');
    fs.writeFileSync(zipPath, understateSize(zip, 'liar.jpg', 1000));

    const report = await importZip(testDb.db, {
      zipPath,
      fileName: 'liar.zip',
      collectionId: target.id,
      dataDir,
      limits: { maxEntryBytes: 100_000 },
    });

    expect(report.added).toBe(1);
    expect(report.failures.map((failure) => failure.path)).toEqual(['liar.jpg']);
    expect(listFiles(dataDir)).toHaveLength(1);
  });

  it('refuses an archive with more entries than allowed', async () => {
    const target = collection();
    const zipPath = await writeZip('many.zip', [
      { name: 'a.txt', data: 'a' },
      { name: 'b.txt', data: 'b' },
      { name: 'c.txt', data: 'c' },
    ]);
    await expect(
      importZip(testDb.db, {
        zipPath,
        fileName: 'many.zip',
        collectionId: target.id,
        dataDir,
        limits: { maxEntries: 2 },
      }),
    ).rejects.toThrow(/3 entries; at most 2/);
  });

  it('refuses a file that is not a zip', async () => {
    const target = collection();
    const zipPath = path.join(uploads, 'fake.zip');
    fs.writeFileSync(zipPath, 'not a zip at all');
    await expect(
      importZip(testDb.db, { zipPath, fileName: 'fake.zip', collectionId: target.id, dataDir }),
    ).rejects.toThrow(/not a readable zip/);
  });
});

describe('unsafeEntryReason', () => {
  it('accepts nested relative names and refuses escapes written with backslashes', () => {
    expect(unsafeEntryReason('a/b/c.jpg')).toBeNull();
    expect(unsafeEntryReason('a\\..\\..\\c.jpg')).toMatch(/\.\./);
    expect(unsafeEntryReason('\\server\\c.jpg')).toMatch(/absolute/);
  });
});
