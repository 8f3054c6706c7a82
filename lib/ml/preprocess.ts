import path from 'node:path';
import sharp from 'sharp';
import type { Normalization, ResizePolicy } from './backbone-spec';

/**
 * Turns an image file into the float pixels a backbone expects. Every image goes through the
 * same steps so that a photo from a phone, a scanned PNG with transparency and a greyscale TIFF
 * land in the same space:
 * 1. EXIF orientation applied, so that rotated camera images come out upright;
 * 2. alpha flattened onto white (paper, not black, is the background of most scans);
 * 3. converted to 3-channel sRGB (greyscale is repeated on R, G and B);
 * 4. resized to inputSize × inputSize: `squish` stretches the whole image (default: nothing is
 *    cut off and no padding pixels dilute the features), `letterbox` keeps the aspect ratio and
 *    pads with white (better for very long strips such as spines or scrolls);
 * 5. scaled from 0..255 to the backbone's normalisation.
 */

export interface PreprocessOptions {
  inputSize: number;
  normalization: Normalization;
  resize?: ResizePolicy;
}

const WHITE = { r: 255, g: 255, b: 255 };
const CHANNELS = 3;

/** A file that could not be decoded as an image; the message names the file. */
export class ImageReadError extends Error {
  readonly file: string;

  constructor(file: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot read the image ${path.basename(file)} (${file}): ${reason}`, { cause });
    this.name = 'ImageReadError';
    this.file = file;
  }
}

/** Per-channel a·x + b that maps a 0..255 value to the normalised one. */
function affineFor(normalization: Normalization): { scale: number[]; offset: number[] } {
  if (normalization.kind === 'range') {
    const scale = (normalization.max - normalization.min) / 255;
    return {
      scale: [scale, scale, scale],
      offset: [normalization.min, normalization.min, normalization.min],
    };
  }
  const { mean, std } = normalization;
  return {
    scale: std.map((s) => 1 / (255 * s)),
    offset: mean.map((m, channel) => -m / (std[channel] as number)),
  };
}

/** Writes normalised RGB bytes into `target` (length pixels × 3) starting at `offset`. */
export function normalizeInto(
  rgb: Uint8Array,
  normalization: Normalization,
  target: Float32Array,
  offset = 0,
): void {
  const { scale, offset: shift } = affineFor(normalization);
  for (let i = 0; i < rgb.length; i++) {
    const channel = i % CHANNELS;
    target[offset + i] =
      (rgb[i] as number) * (scale[channel] as number) + (shift[channel] as number);
  }
}

/** The upright, flattened, sRGB, resized bytes of an image, row-major RGB. */
export async function readRgb(
  file: string,
  inputSize: number,
  resize: ResizePolicy = 'squish',
): Promise<Uint8Array> {
  try {
    const { data, info } = await sharp(file, { failOn: 'truncated' })
      .rotate()
      .flatten({ background: WHITE })
      .toColourspace('srgb')
      .resize(inputSize, inputSize, {
        fit: resize === 'squish' ? 'fill' : 'contain',
        background: WHITE,
      })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });

    if (info.channels !== CHANNELS || data.length !== inputSize * inputSize * CHANNELS) {
      throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (error) {
    throw new ImageReadError(file, error);
  }
}

/** One image as normalised floats, inputSize × inputSize × 3. */
export async function preprocessImage(
  file: string,
  options: PreprocessOptions,
): Promise<Float32Array> {
  const rgb = await readRgb(file, options.inputSize, options.resize);
  const pixels = new Float32Array(rgb.length);
  normalizeInto(rgb, options.normalization, pixels);
  return pixels;
}
