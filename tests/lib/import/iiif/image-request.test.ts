import { describe, expect, it } from 'vitest';
import { planImage, selectorRegion } from '@/lib/import/iiif/image-request';

const BASE = 'https://images.example.org/iiif/abc';

function urlOf(resource: unknown, region: Parameters<typeof planImage>[1] = null): string {
  const result = planImage(resource, region);
  if (!result.ok) throw new Error(result.reason);
  return result.plan.url;
}

describe('planImage', () => {
  it('asks a level 2 service of Image API 2 for a best fit within 1024 px', () => {
    const url = urlOf({
      id: `${BASE}/full/full/0/default.jpg`,
      type: 'Image',
      width: 5000,
      height: 4000,
      service: [
        {
          '@id': BASE,
          '@type': 'ImageService2',
          profile: 'http://iiif.io/api/image/2/level2.json',
        },
      ],
    });
    expect(url).toBe(`${BASE}/full/!1024,1024/0/default.jpg`);
  });

  it('asks for max from a version 3 service when the image already fits', () => {
    const url = urlOf({
      type: 'Image',
      width: 800,
      height: 600,
      service: [{ id: BASE, type: 'ImageService3', profile: 'level1' }],
    });
    expect(url).toBe(`${BASE}/full/max/0/default.jpg`);
  });

  it('prefers the version 3 service when a body lists two for the same image', () => {
    const url = urlOf({
      type: 'Image',
      width: 5000,
      height: 4000,
      service: [
        { '@id': `${BASE}-v2`, '@type': 'ImageService2', profile: 'level1' },
        { id: `${BASE}-v3`, type: 'ImageService3', profile: 'level1' },
      ],
    });
    expect(url).toBe(`${BASE}-v3/full/!1024,1024/0/default.jpg`);
  });

  it('uses the native quality for an Image API 1.1 service', () => {
    const url = urlOf({
      type: 'Image',
      width: 5000,
      height: 4000,
      service: {
        '@id': BASE,
        profile: 'http://library.stanford.edu/iiif/image-api/1.1/conformance.html#level1',
      },
    });
    expect(url).toBe(`${BASE}/full/!1024,1024/0/native.jpg`);
  });

  it('asks for max when the server caps sizes below the bound', () => {
    const url = urlOf({
      type: 'Image',
      width: 5000,
      height: 4000,
      service: [{ id: BASE, type: 'ImageService3', profile: 'level2', maxWidth: 800 }],
    });
    expect(url).toBe(`${BASE}/full/max/0/default.jpg`);
  });

  it('falls back to the body URL for a large level 0 image that lists no sizes', () => {
    const body = `${BASE}/full/full/0/default.jpg`;
    const result = planImage(
      {
        id: body,
        type: 'Image',
        width: 5000,
        height: 4000,
        service: [{ id: BASE, type: 'ImageService2', profile: 'level0' }],
      },
      null,
    );
    expect(result).toMatchObject({ ok: true, plan: { url: body, via: 'body' } });
  });

  it('crops locally when a level 0 service cannot serve the region', () => {
    const result = planImage(
      {
        type: 'Image',
        width: 2000,
        height: 1000,
        service: [
          {
            id: BASE,
            type: 'ImageService3',
            profile: 'level0',
            sizes: [{ width: 1000, height: 500 }],
          },
        ],
      },
      { x: 10, y: 20, width: 300, height: 200 },
    );
    expect(result).toMatchObject({
      ok: true,
      plan: {
        url: `${BASE}/full/1000,500/0/default.jpg`,
        localCrop: { x: 10, y: 20, width: 300, height: 200 },
        sourceWidth: 2000,
      },
    });
  });

  it('explains why an image without a service or URL cannot be fetched', () => {
    expect(planImage({ type: 'Image' }, null)).toEqual({
      ok: false,
      reason: 'its image has neither an image service nor an http(s) URL',
    });
  });
});

describe('selectorRegion', () => {
  it('reads ImageApiSelector regions and xywh fragments, and ignores percentages', () => {
    expect(selectorRegion({ type: 'iiif:ImageApiSelector', region: '1,2,3,4' })).toEqual({
      x: 1,
      y: 2,
      width: 3,
      height: 4,
    });
    expect(selectorRegion({ type: 'FragmentSelector', value: 'xywh=pixel:5,6,7,8' })).toEqual({
      x: 5,
      y: 6,
      width: 7,
      height: 8,
    });
    expect(selectorRegion({ type: 'FragmentSelector', value: 'xywh=percent:5,6,7,8' })).toBeNull();
  });
});
