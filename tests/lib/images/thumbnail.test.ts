import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GET as getImage } from '@/app/api/items/[id]/image/route';
import { GET as getThumbnail } from '@/app/api/items/[id]/thumbnail/route';
import { createCollection } from '@/lib/collections/collection-repo';
import { ensureThumbnail, storedFilePath, thumbnailPath } from '@/lib/images/thumbnail';
import { apiRequest, params, signedInUser, startTestApp, type TestApp } from '../../helpers/app';
import { addStoredItem } from '../../helpers/items';

let app: TestApp;
let collectionId: number;
beforeEach(() => {
  app = startTestApp();
  collectionId = createCollection(app.db, { name: 'Plates', annotationMode: 'single' }).id;
});
afterEach(() => app.close());

describe('ensureThumbnail', () => {
  it('renders a WebP that fits inside the size once, then serves it from the disk cache', async () => {
    const item = await addStoredItem(app.db, app.dataDir, collectionId, {
      width: 900,
      height: 300,
    });

    const first = await ensureThumbnail(app.dataDir, item, 320);
    const second = await ensureThumbnail(app.dataDir, item, 320);

    expect(first).toEqual({
      file: thumbnailPath(app.dataDir, 320, item.contentHash),
      created: true,
    });
    expect(second.created).toBe(false);
    expect(first.file).toBe(path.join(app.dataDir, 'thumbs', '320', `${item.contentHash}.webp`));
    const metadata = await sharp(first.file).metadata();
    expect([metadata.format, metadata.width, metadata.height]).toEqual(['webp', 320, 107]);
    const leftovers = fs
      .readdirSync(path.dirname(first.file))
      .filter((name) => name.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });

  it('applies the EXIF orientation and never enlarges a small original', async () => {
    // Orientation 6 means "rotate 90° clockwise to display": 60×20 stored, 20×60 shown.
    const item = await addStoredItem(app.db, app.dataDir, collectionId, {
      width: 60,
      height: 20,
      orientation: 6,
    });

    const { file } = await ensureThumbnail(app.dataDir, item, 640);

    const metadata = await sharp(file).metadata();
    expect([metadata.width, metadata.height]).toEqual([20, 60]);
  });

  it('refuses stored paths that would leave the data directory', () => {
    expect(() => storedFilePath(app.dataDir, '../outside.png')).toThrow(
      /outside the data directory/,
    );
  });
});

describe('GET /api/items/[id]/thumbnail and /image', () => {
  it('answers 304 when the browser already holds the ETag, with immutable private caching', async () => {
    const { cookie } = await signedInUser(app.db, 'reviewer');
    const item = await addStoredItem(app.db, app.dataDir, collectionId, { seed: 3 });
    const id = String(item.id);

    const response = await getThumbnail(
      apiRequest(`/api/items/${id}/thumbnail?size=160`, { cookie }),
      params({ id }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    expect(response.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    const etag = response.headers.get('etag') ?? '';
    expect(etag).toContain(item.contentHash);
    expect((await sharp(Buffer.from(await response.arrayBuffer())).metadata()).format).toBe('webp');

    const again = await getThumbnail(
      apiRequest(`/api/items/${id}/thumbnail?size=160`, {
        cookie,
        headers: { 'if-none-match': etag },
      }),
      params({ id }),
    );
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('rejects a size that is not offered', async () => {
    const { cookie } = await signedInUser(app.db, 'reviewer');
    const item = await addStoredItem(app.db, app.dataDir, collectionId);

    const response = await getThumbnail(
      apiRequest(`/api/items/${item.id}/thumbnail?size=5000`, { cookie }),
      params({ id: String(item.id) }),
    );
    expect(response.status).toBe(400);
  });

  it('serves the original with its mime type, nosniff and inline disposition', async () => {
    const { cookie } = await signedInUser(app.db, 'reviewer');
    const item = await addStoredItem(app.db, app.dataDir, collectionId);

    const response = await getImage(
      apiRequest(`/api/items/${item.id}/image`, { cookie }),
      params({ id: String(item.id) }),
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(
      /^inline; filename="item-\d+\.png"$/,
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(fs.readFileSync(storedFilePath(app.dataDir, item.filePath)))).toBe(true);
  });
});
