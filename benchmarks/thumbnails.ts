import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { storeImage, type StoredImage } from '@/lib/images/image-store';
import { ensureThumbnail, THUMBNAIL_SIZES } from '@/lib/images/thumbnail';

/**
 * Thumbnail cost per image: first request (decode, rotate, resize, WebP, atomic write) and cached
 * requests, for each offered size, on the demo images and on synthetic 3000×2000 scans.
 *
 *   npm run bench -- thumbnails [--scans 10]
 */

function argValue(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}

async function demoImages(dataDir: string): Promise<StoredImage[]> {
  if (!fs.existsSync('demo')) return [];
  const files = fs
    .readdirSync('demo', { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(jpe?g|png|webp|tiff?)$/i.test(file));
  return storeAll(
    dataDir,
    files.map((file) => fs.readFileSync(path.join('demo', file))),
  );
}

async function syntheticScans(dataDir: string, count: number): Promise<StoredImage[]> {
  const buffers = [];
  for (let i = 0; i < count; i++) {
    // Noise compresses badly and decodes slowly, like a real high-resolution scan.
    const noise = Buffer.alloc(300 * 200 * 3);
    for (let j = 0; j < noise.length; j++) noise[j] = (j * 7919 + i * 104729) % 251;
    buffers.push(
      await sharp(noise, { raw: { width: 300, height: 200, channels: 3 } })
        .resize(3000, 2000, { kernel: 'nearest' })
        .jpeg({ quality: 90 })
        .toBuffer(),
    );
  }
  return storeAll(dataDir, buffers);
}

async function storeAll(dataDir: string, buffers: Buffer[]): Promise<StoredImage[]> {
  const stored: StoredImage[] = [];
  for (const bytes of buffers) {
    const result = await storeImage(bytes, 1, dataDir);
    if (result.ok) stored.push(result.image);
  }
  return stored;
}

async function perImageMs(dataDir: string, images: StoredImage[], size: 160 | 320 | 640) {
  const start = performance.now();
  for (const image of images) await ensureThumbnail(dataDir, image, size);
  return (performance.now() - start) / images.length;
}

export async function run(args: string[]): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-bench-thumbs-'));
  try {
    const sets: [string, StoredImage[]][] = [
      ['demo', await demoImages(dataDir)],
      ['3000×2000 JPEG', await syntheticScans(dataDir, argValue(args, '--scans', 10))],
    ];

    console.log(
      '\n| images | count | size | first ms/image | cached ms/image |\n|---|---|---|---|---|',
    );
    for (const [name, images] of sets) {
      if (images.length === 0) continue;
      for (const size of THUMBNAIL_SIZES) {
        const first = await perImageMs(dataDir, images, size);
        const cached = await perImageMs(dataDir, images, size);
        console.log(
          `| ${name} | ${images.length} | ${size} | ${first.toFixed(1)} | ${cached.toFixed(2)} |`,
        );
      }
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
