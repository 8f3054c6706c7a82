import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_IMAGE_PIXELS, storeImage, validateImage } from '@/lib/images/image-store';
import { makeImage, makeTruncatedJpeg } from '../../helpers/images';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-store-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('validateImage', () => {
  it('accepts JPEG, PNG, WebP, GIF, TIFF and AVIF with their MIME types', async () => {
    const base = sharp({ create: { width: 20, height: 10, channels: 3, background: '#864' } });
    const formats = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const;
    const mimeTypes: string[] = [];

    for (const format of formats) {
      const result = await validateImage(await base.clone().toFormat(format).toBuffer());
      if (!result.ok) throw new Error(`${format}: ${result.reason}`);
      mimeTypes.push(result.image.mimeType);
    }

    expect(mimeTypes).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
      'image/gif',
      'image/tiff',
      'image/avif',
    ]);
  });

  it('reports width and height as displayed after the EXIF orientation', async () => {
    const rotated = await sharp(await makeImage(1, 'jpeg', 40, 20))
      .withMetadata({ orientation: 6 })
      .toBuffer();

    const result = await validateImage(rotated);

    expect(result).toMatchObject({ ok: true, image: { width: 20, height: 40 } });
  });

  it('refuses a truncated JPEG, naming the problem', async () => {
    const result = await validateImage(await makeTruncatedJpeg(2));

    expect(result).toEqual({ ok: false, reason: 'truncated JPEG' });
  });

  it('refuses a truncated PNG, naming the problem', async () => {
    const whole = await makeImage(6, 'png', 64, 64);

    const result = await validateImage(whole.subarray(0, Math.floor(whole.length / 2)));

    expect(result).toEqual({ ok: false, reason: 'truncated PNG' });
  });

  it('refuses bytes that are not an image', async () => {
    const result = await validateImage(Buffer.from('just some notes, not a picture'));

    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^not an image/) });
  });

  it('refuses an image whose declared size exceeds the pixel limit before decoding it', async () => {
    // A tiny JPEG whose frame header claims 12,000 × 9,000 = 108 MP: a decompression bomb.
    const bomb = Buffer.from(await makeImage(5, 'jpeg'));
    const frame = bomb.indexOf(Buffer.from([0xff, 0xc0]));
    bomb.writeUInt16BE(9_000, frame + 5);
    bomb.writeUInt16BE(12_000, frame + 7);
    expect(12_000 * 9_000).toBeGreaterThan(MAX_IMAGE_PIXELS);

    const result = await validateImage(bomb);

    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^larger than 100 megapixels/),
    });
  });
});

describe('storeImage', () => {
  it('stores the original content-addressed under the collection and returns its item fields', async () => {
    const dataDir = tempDir();
    const bytes = await makeImage(3, 'png', 30, 12);

    const result = await storeImage(bytes, 7, dataDir);
    if (!result.ok) throw new Error(result.reason);

    const { contentHash, filePath } = result.image;
    expect(filePath).toBe(`items/7/${contentHash.slice(0, 2)}/${contentHash}.png`);
    expect(fs.readFileSync(path.join(dataDir, filePath)).equals(bytes)).toBe(true);
    expect(result.image).toMatchObject({
      mimeType: 'image/png',
      width: 30,
      height: 12,
      sizeBytes: bytes.length,
    });
    expect(fs.readdirSync(path.dirname(path.join(dataDir, filePath)))).toEqual([
      `${contentHash}.png`,
    ]);
  });

  it('writes nothing for an image it refuses', async () => {
    const dataDir = tempDir();

    const result = await storeImage(await makeTruncatedJpeg(4), 1, dataDir);

    expect(result.ok).toBe(false);
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });
});
