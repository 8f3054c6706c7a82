import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInCookie } from './annotate-fixture';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { E2E_ADMIN, startServer, type RunningServer } from './server';

/**
 * A curator opens the collection's Export tab, picks a format and scope, and the download is the
 * streamed file: JSON Lines with a row per item of the demo collection.
 */

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(!hasChromium())('the export page', () => {
  it('downloads the chosen format and scope', async () => {
    const cookie = await signInCookie(server, E2E_ADMIN);
    const [name, value] = cookie.split(';')[0].split('=');
    const context = await browser.newContext({
      baseURL: server.baseUrl,
      acceptDownloads: true,
      viewport: { width: 1280, height: 800 },
    });
    await context.addCookies([{ name, value, url: server.baseUrl }]);
    const page = await context.newPage();
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));

    await page.goto('/collections/demo-collection');
    await page.getByRole('link', { name: 'Export', exact: true }).click();
    await page.waitForURL('**/collections/demo-collection/export');

    await page.getByLabel('Format').selectOption('web-annotations');
    await expect(
      page.getByLabel('Language of the label names (optional)').isVisible(),
    ).resolves.toBe(true);
    await page.getByLabel('Format').selectOption('hf-imagefolder');
    await expect(page.getByLabel('Validation share (%)').inputValue()).resolves.toBe('20');
    await page.screenshot({ path: screenshotPath('export.png'), fullPage: true });
    await page.getByLabel('Format').selectOption('jsonl');
    await page.getByLabel('All items: annotations and model predictions').check();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download', exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('demo-collection-all.jsonl');
    const lines = fs
      .readFileSync(await download.path(), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { identifier: string; labels: string[] });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.identifier.length > 0)).toBe(true);
    expect(scriptErrors).toEqual([]);
    await context.close();
  }, 120_000);
});
