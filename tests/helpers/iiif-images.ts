import crypto from 'node:crypto';
import type http from 'node:http';
import sharp from 'sharp';

/**
 * Answers IIIF Image API requests ({id}/{region}/{size}/{rotation}/{quality}.{format}) and plain
 * image URLs with generated JPEGs of the requested size, so IIIF imports can be tested offline.
 * The colour derives from the image's identifier, so different images never share bytes.
 */

/** The size of every image "on the server" unless a region is requested. */
export const SERVED_FULL = { width: 2000, height: 1500 };
/** The size of a plain (non-Image-API) image URL. */
export const PLAIN_IMAGE = { width: 300, height: 200 };

interface Size {
  width: number;
  height: number;
}

function requestedSize(size: string, base: Size): Size | null {
  if (size === 'max' || size === 'full') return base;
  const best = /^!(\d+),(\d+)$/.exec(size);
  if (best) {
    const scale = Math.min(Number(best[1]) / base.width, Number(best[2]) / base.height, 1);
    return { width: Math.round(base.width * scale), height: Math.round(base.height * scale) };
  }
  const exact = /^(\d*),(\d*)$/.exec(size);
  if (!exact || (!exact[1] && !exact[2])) return null;
  const width = exact[1]
    ? Number(exact[1])
    : Math.round((Number(exact[2]) * base.width) / base.height);
  const height = exact[2] ? Number(exact[2]) : Math.round((width * base.height) / base.width);
  return { width, height };
}

function regionSize(region: string): Size | null {
  if (region === 'full') return SERVED_FULL;
  const match = /^(\d+),(\d+),(\d+),(\d+)$/.exec(region);
  return match ? { width: Number(match[3]), height: Number(match[4]) } : null;
}

export async function generatedJpeg(key: string, size: Size): Promise<Buffer> {
  const digest = crypto.createHash('sha256').update(key).digest();
  return sharp({
    create: {
      width: size.width,
      height: size.height,
      channels: 3,
      background: { r: digest[0], g: digest[1], b: digest[2] },
    },
  })
    .jpeg()
    .toBuffer();
}

/**
 * Handles a path below an image prefix: "<key>/<region>/<size>/0/default.jpg" is an Image API
 * request, and anything else a plain image.
 */
export async function answerImage(rest: string, response: http.ServerResponse): Promise<void> {
  const match = /^(.+)\/([^/]+)\/([^/]+)\/(\d+)\/(default|native|color|gray)\.(jpg|png)$/.exec(
    rest,
  );
  let size: Size | null = PLAIN_IMAGE;
  let key = rest;
  if (match) {
    key = match[1];
    const base = regionSize(decodeURIComponent(match[2]));
    size = base ? requestedSize(decodeURIComponent(match[3]), base) : null;
  }
  if (!size) {
    response.writeHead(400).end('bad image request');
    return;
  }
  const bytes = await generatedJpeg(`${key}:${rest}`, size);
  response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': bytes.length });
  response.end(bytes);
}
