import sharp from 'sharp';

/**
 * Generated images with clear visual structure, for backbone tests: two stripe images that differ
 * only by a little brightness are "similar", a checkerboard is "different". Written with sharp as
 * real files, in whatever format the test asks for.
 */

export type Pattern = 'stripes' | 'checker' | 'rings';

function patternValue(pattern: Pattern, x: number, y: number, size: number): number {
  if (pattern === 'stripes') return Math.floor(y / (size / 8)) % 2 === 0 ? 230 : 30;
  if (pattern === 'checker') {
    const cell = size / 6;
    return (Math.floor(x / cell) + Math.floor(y / cell)) % 2 === 0 ? 220 : 40;
  }
  const radius = Math.hypot(x - size / 2, y - size / 2);
  return Math.floor(radius / (size / 10)) % 2 === 0 ? 200 : 60;
}

/** A size × size RGB image of the pattern, tinted and brightened by `shift` grey levels. */
export function patternPixels(pattern: Pattern, size = 96, shift = 0): Buffer {
  const pixels = Buffer.alloc(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const value = Math.max(0, Math.min(255, patternValue(pattern, x, y, size) + shift));
      pixels.set([value, Math.max(0, value - 20), Math.min(255, value + 10)], (y * size + x) * 3);
    }
  }
  return pixels;
}

export async function writePatternImage(
  file: string,
  pattern: Pattern,
  options: { size?: number; shift?: number } = {},
): Promise<string> {
  const size = options.size ?? 96;
  await sharp(patternPixels(pattern, size, options.shift ?? 0), {
    raw: { width: size, height: size, channels: 3 },
  }).toFile(file);
  return file;
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    normA += (a[i] as number) ** 2;
    normB += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(normA * normB);
}
