import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server';
import { answerImage } from '../helpers/iiif-images';
import { makeImage, makeTruncatedJpeg } from '../helpers/images';
import { makeZip } from '../helpers/zips';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { E2E_ADMIN, startServer, type RunningServer } from './server';

/**
 * The imports page in a real browser: uploads (images and a zip through the file picker), a CSV
 * with its zip, and a IIIF manifest served by a local server (reachable because the server runs
 * with CURIO_ALLOW_PRIVATE_FETCH).
 */

let server: RunningServer;
let iiif: TestHttpServer;
let browser: Browser;

beforeAll(async () => {
  iiif = await startHttpServer();
  iiif.routePrefix('/img/', (_request, response, url) =>
    answerImage(url.pathname.slice('/img/'.length), response),
  );
  iiif.route('/manifest.json', (_request, response) => {
    const canvas = (n: number) => ({
      id: `${iiif.origin}/canvas/${n}`,
      type: 'Canvas',
      label: { en: [`plate ${n}`] },
      items: [
        {
          type: 'AnnotationPage',
          items: [
            {
              type: 'Annotation',
              motivation: 'painting',
              body: {
                id: `${iiif.origin}/img/plate-${n}/full/max/0/default.jpg`,
                type: 'Image',
                service: [
                  { id: `${iiif.origin}/img/plate-${n}`, type: 'ImageService3', profile: 'level1' },
                ],
              },
            },
          ],
        },
      ],
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `${iiif.origin}/manifest.json`,
        type: 'Manifest',
        label: { en: ['Plates'] },
        items: [canvas(1), canvas(2), canvas(3)],
      }),
    );
  });
  server = await startServer({ CURIO_ALLOW_PRIVATE_FETCH: 'true' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await iiif?.close();
});

async function signedInPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.baseUrl });
  const page = await context.newPage();
  await page.goto('/collections/demo-collection/import');
  await page.getByLabel('Email').fill(E2E_ADMIN.email);
  await page.getByLabel('Password').fill(E2E_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/import$/);
  return page;
}

describe.skipIf(!hasChromium())('the imports page', () => {
  it('uploads images and a zip, listing the files it refused', async () => {
    const page = await signedInPage();
    const upload = page.getByRole('region', { name: 'Upload images or a zip' });

    await upload.getByLabel('Choose files…').setInputFiles([
      { name: 'first.jpg', mimeType: 'image/jpeg', buffer: await makeImage(101) },
      { name: 'second.png', mimeType: 'image/png', buffer: await makeImage(102, 'png') },
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: await makeTruncatedJpeg(103) },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') },
    ]);
    await upload.getByText('Upload finished: 2 added').waitFor();
    expect(await upload.getByRole('listitem').allTextContents()).toEqual([
      'broken.jpg: truncated JPEG',
      'notes.txt: not an image (or not a format Curio reads)',
    ]);

    const zip = await makeZip([
      { name: 'kestrel/a.jpg', data: await makeImage(104) },
      { name: '../outside.jpg', data: await makeImage(105) },
    ]);
    await upload
      .getByLabel('Choose files…')
      .setInputFiles([{ name: 'birds.zip', mimeType: 'application/zip', buffer: zip }]);
    await upload.getByText('The import finished. 1 added, 1 failed.').waitFor();
    await upload.getByText(/\.\.\/outside\.jpg.*refused/).waitFor();
    await page.screenshot({ path: screenshotPath('imports.png'), fullPage: true });
  });

  it('imports a CSV with its zip and a IIIF manifest, each with its report', async () => {
    const page = await signedInPage();

    const csvSection = page.getByRole('region', { name: 'From a CSV list (Dublin Core)' });
    await csvSection.getByLabel('CSV file').setInputFiles({
      name: 'items.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'dcterms:identifier,dcterms:title,file\nE-1,Owl,owl.jpg\nE-2,Gone,gone.jpg\n',
      ),
    });
    await csvSection.getByLabel('Zip with the images (optional)').setInputFiles({
      name: 'images.zip',
      mimeType: 'application/zip',
      buffer: await makeZip([{ name: 'owl.jpg', data: await makeImage(106) }]),
    });
    await csvSection.getByRole('button', { name: 'Import CSV' }).click();
    await csvSection.getByText('The import finished. 1 added, 0 updated, 1 failed.').waitFor();
    await csvSection.getByText(/row 3 \(E-2\).*gone\.jpg is not in the zip/).waitFor();

    const iiifSection = page.getByRole('region', { name: 'From a IIIF manifest or collection' });
    await iiifSection.getByLabel('Manifest or collection URL').fill(`${iiif.origin}/manifest.json`);
    await iiifSection.getByRole('button', { name: 'Import from IIIF' }).click();
    await iiifSection.getByText('The import finished. 3 added, 0 failed.').waitFor();
  });
});
