import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from './browser';
import { startServer, type RunningServer } from './server';

/** A fresh install without CURIO_ADMIN_*: the first visitor creates the admin, once. */

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({
    CURIO_ADMIN_EMAIL: '',
    CURIO_ADMIN_PASSWORD: '',
    CURIO_SEED_DEMO: 'false',
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(!hasChromium())('first-run setup', () => {
  it('leads the first visitor to create the admin, then closes for good', async () => {
    const context = await browser.newContext({ baseURL: server.baseUrl });
    const page = await context.newPage();

    await page.goto('/collections');
    expect(new URL(page.url()).pathname).toBe('/setup');
    await page.getByLabel('Your name').fill('Ada Archivist');
    await page.getByLabel('Email').fill('ada@curio.test');
    await page.getByLabel('Password').fill('first admin passphrase');
    await page.getByRole('button', { name: 'Create admin and sign in' }).click();
    await page.waitForURL(/\/collections$/);
    await page.getByText('No collections yet.').waitFor();
    expect(await page.getByRole('banner').textContent()).toContain('Ada Archivist');

    await page.goto('/setup');
    expect(new URL(page.url()).pathname).not.toBe('/setup');
    const again = await page.request.post('/api/setup', {
      data: { name: 'Eve', email: 'eve@curio.test', password: 'another passphrase' },
    });
    expect(again.status()).toBe(409);
    await context.close();
  });
});
