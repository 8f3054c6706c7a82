import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageReadError, preprocessImage, readRgb } from '@/lib/ml/preprocess';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-preprocess-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const RED = [255, 0, 0];
const BLUE = [0, 0, 255];

/** A wide image, red on the left half and blue on the right. */
function redBlueHalves(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) pixels.set(x < width / 2 ? RED : BLUE, (y * width + x) * 3);
  }
  return pixels;
}

function pixelAt(rgb: Uint8Array, size: number, x: number, y: number): number[] {
  const offset = (y * size + x) * 3;
  return Array.from(rgb.subarray(offset, offset + 3));
}

function expectClose(actual: number[], expected: number[], tolerance = 12): void {
  actual.forEach((value, channel) =>
    expect(Math.abs(value - (expected[channel] as number))).toBeLessThanOrEqual(tolerance),
  );
}

describe('readRgb', () => {
  it('applies the EXIF orientation so a rotated photo comes out upright', async () => {
    const file = path.join(dir, 'rotated.jpg');
    // Orientation 6: viewers turn the stored image 90° clockwise, putting its left half on top.
    await sharp(redBlueHalves(64, 32), { raw: { width: 64, height: 32, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toFile(file);

    const rgb = await readRgb(file, 8);

    expectClose(pixelAt(rgb, 8, 0, 0), RED);
    expectClose(pixelAt(rgb, 8, 7, 0), RED);
    expectClose(pixelAt(rgb, 8, 0, 7), BLUE);
  });

  it('flattens transparent pixels onto white', async () => {
    const file = path.join(dir, 'transparent.png');
    await sharp({
      create: { width: 10, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
    })
      .png()
      .toFile(file);

    const rgb = await readRgb(file, 4);

    expect(rgb.length).toBe(4 * 4 * 3);
    expect(Array.from(new Set(rgb))).toEqual([255]);
  });

  it('repeats a greyscale image on three channels', async () => {
    const file = path.join(dir, 'grey.png');
    const grey = Buffer.alloc(10 * 10, 100);
    await sharp(grey, { raw: { width: 10, height: 10, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).channels).toBe(1);

    const rgb = await readRgb(file, 4);

    expect(rgb.length).toBe(4 * 4 * 3);
    expect(pixelAt(rgb, 4, 2, 2)).toEqual([100, 100, 100]);
  });

  it('letterboxes a wide image with white bands instead of stretching it', async () => {
    const file = path.join(dir, 'wide.png');
    const black = Buffer.alloc(40 * 10 * 3, 0);
    await sharp(black, { raw: { width: 40, height: 10, channels: 3 } })
      .png()
      .toFile(file);

    const squished = await readRgb(file, 8, 'squish');
    const boxed = await readRgb(file, 8, 'letterbox');

    expect(pixelAt(squished, 8, 4, 0)).toEqual([0, 0, 0]);
    expect(pixelAt(boxed, 8, 4, 0)).toEqual([255, 255, 255]);
    expect(pixelAt(boxed, 8, 4, 4)).toEqual([0, 0, 0]);
  });

  it('names the file when a JPEG is cut short', async () => {
    const whole = await sharp(redBlueHalves(64, 64), {
      raw: { width: 64, height: 64, channels: 3 },
    })
      .jpeg()
      .toBuffer();
    const file = path.join(dir, 'truncated.jpg');
    fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));

    const error = await readRgb(file, 8).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ImageReadError);
    expect((error as ImageReadError).message).toContain('truncated.jpg');
    expect((error as ImageReadError).file).toBe(file);
  });

  it('names the file when it is not an image at all', async () => {
    const file = path.join(dir, 'notes.jpg');
    fs.writeFileSync(file, 'these are not pixels');

    await expect(readRgb(file, 8)).rejects.toThrow(/notes\.jpg/);
  });
});

describe('preprocessImage', () => {
  it('scales pixels to the range the backbone expects', async () => {
    const file = path.join(dir, 'halves.png');
    await sharp(redBlueHalves(16, 16), { raw: { width: 16, height: 16, channels: 3 } })
      .png()
      .toFile(file);

    const unit = await preprocessImage(file, {
      inputSize: 16,
      normalization: { kind: 'range', min: 0, max: 1 },
    });
    const symmetric = await preprocessImage(file, {
      inputSize: 16,
      normalization: { kind: 'range', min: -1, max: 1 },
    });

    expect(unit.length).toBe(16 * 16 * 3);
    expect(Array.from(unit.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(symmetric.subarray(0, 3))).toEqual([1, -1, -1]);
  });

  it('applies a per-channel mean and standard deviation', async () => {
    const file = path.join(dir, 'halves-mean-std.png');
    await sharp(redBlueHalves(16, 16), { raw: { width: 16, height: 16, channels: 3 } })
      .png()
      .toFile(file);

    const pixels = await preprocessImage(file, {
      inputSize: 16,
      normalization: { kind: 'mean-std', mean: [0.5, 0.5, 0.5], std: [0.25, 0.5, 0.5] },
    });

    expect(pixels[0]).toBeCloseTo(2, 5);
    expect(pixels[1]).toBeCloseTo(-1, 5);
    expect(pixels[2]).toBeCloseTo(-1, 5);
  });
});
