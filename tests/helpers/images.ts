import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Small real images for tests, made with sharp. Pixels are pseudo-random from the seed, so each
 * seed gives different bytes (a different content hash) and a JPEG cut short is really truncated.
 */

function noise(seed: number, width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let state = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    pixels[i] = state & 0xff;
  }
  return pixels;
}

export function makeImage(
  seed: number,
  format: 'jpeg' | 'png' | 'webp' = 'jpeg',
  width = 48,
  height = 32,
): Promise<Buffer> {
  return sharp(noise(seed, width, height), { raw: { width, height, channels: 3 } })
    .toFormat(format)
    .toBuffer();
}

/** A valid JPEG cut in half. */
export async function makeTruncatedJpeg(seed: number): Promise<Buffer> {
  const whole = await makeImage(seed, 'jpeg', 64, 64);
  return whole.subarray(0, Math.floor(whole.length / 2));
}

/** Writes files (relative path → bytes or text) under a folder, creating sub-folders. */
export function writeTree(root: string, files: Record<string, Buffer | string>): void {
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}
