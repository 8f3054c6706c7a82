import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

/**
 * The committed fixture images (tests/fixtures/images/<class>/*.jpg) and a cheap, backbone-free
 * feature vector for each: a grey-level histogram and a histogram of gradient strengths, which
 * tell a plant drawing, an aerial photograph and a harbour apart. Tests of the heads use these
 * so that they exercise real decoded images without waiting for a CNN.
 */

export const FIXTURE_DIR = path.join(import.meta.dirname, '..', 'fixtures', 'images');
const SIDE = 64;
const GREY_BINS = 16;
const GRADIENT_BINS = 16;
export const FIXTURE_FEATURE_DIM = GREY_BINS + GRADIENT_BINS;

export interface FixtureImage {
  className: string;
  file: string;
}

export function listFixtureImages(): FixtureImage[] {
  return fs
    .readdirSync(FIXTURE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .flatMap((className) =>
      fs
        .readdirSync(path.join(FIXTURE_DIR, className))
        .filter((name) => name.endsWith('.jpg'))
        .sort()
        .map((name) => ({ className, file: path.join(FIXTURE_DIR, className, name) })),
    );
}

export async function fixtureFeatures(file: string): Promise<Float32Array> {
  const pixels = await sharp(file).greyscale().resize(SIDE, SIDE).raw().toBuffer();
  const features = new Float32Array(FIXTURE_FEATURE_DIM);

  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const value = pixels[y * SIDE + x];
      features[Math.min(GREY_BINS - 1, Math.floor((value / 256) * GREY_BINS))] += 1;
      if (x + 1 < SIDE && y + 1 < SIDE) {
        const gradient =
          Math.abs(pixels[y * SIDE + x + 1] - value) + Math.abs(pixels[(y + 1) * SIDE + x] - value);
        const bin = Math.min(
          GRADIENT_BINS - 1,
          Math.floor(Math.sqrt(gradient / 512) * GRADIENT_BINS),
        );
        features[GREY_BINS + bin] += 1;
      }
    }
  }
  return features.map((count) => count / (SIDE * SIDE));
}
