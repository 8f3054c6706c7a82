import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { E2E_ADMIN, startServer, type RunningServer } from './server';

/**
 * The signed-in app in a real browser against the production build, with the demo collection
 * that the server seeds on its first start. Screenshots for the README are written on the way.
 */

const VIEWPORT = { width: 1280, height: 800 };
const CURATOR = {
  email: 'curator@curio.test',
  name: 'Cora Curator',
  password: 'curator passphrase',
};

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(page: Page, account: { email: string; password: string }) {
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Uncaught exceptions and console errors such as hydration mismatches. The browser's own
 * "Failed to load resource" lines are left out: the failed sign-in's 401 is expected.
 */
function collectScriptErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  return errors;
}

/** True once every thumbnail in the grid has decoded to real pixels. */
function thumbnailsLoaded(page: Page) {
  return page.waitForFunction(() => {
    const images = [...document.querySelectorAll<HTMLImageElement>('ul[aria-label="Items"] img')];
    return images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0);
  });
}

describe.skipIf(!hasChromium())('Curio in a browser', () => {
  it('sends a signed-out visitor to sign in, then shows the demo collection with its thumbnails', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const scriptErrors = collectScriptErrors(page);

    await page.goto(`${server.baseUrl}/collections`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/collections');

    await signIn(page, { email: E2E_ADMIN.email, password: 'a wrong password' });
    await page.getByText('do not match an active account').waitFor();
    await signIn(page, E2E_ADMIN);
    await page.waitForURL(`${server.baseUrl}/collections`);
    await page.getByRole('link', { name: 'Demo collection', exact: true }).waitFor();
    await page.screenshot({ path: screenshotPath('collections.png') });

    await page.getByRole('link', { name: 'Demo collection', exact: true }).click();
    await page.waitForURL(/\/collections\/demo-collection$/);
    await thumbnailsLoaded(page);
    const tiles = await page.locator('ul[aria-label="Items"] > li').count();
    expect(tiles).toBeGreaterThan(10);
    await page.screenshot({ path: screenshotPath('grid.png') });

    await page.locator('ul[aria-label="Items"] > li a').nth(2).click();
    await page.waitForURL(/\/items\/\d+$/);
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('figure img');
      return image !== null && image.complete && image.naturalWidth > 0;
    });
    await page.screenshot({ path: screenshotPath('item.png') });
    const itemUrl = page.url();
    await page.getByRole('link', { name: 'Next item →' }).click();
    await page.waitForURL((url) => url.href !== itemUrl && /\/items\/\d+$/.test(url.pathname));

    expect(scriptErrors).toEqual([]);
    await context.close();
  });

  it('lets an admin add a label and explains why a label in use cannot be deleted', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto('/sign-in?next=/collections/demo-collection/settings');
    await signIn(page, E2E_ADMIN);
    await page.waitForURL(/\/settings$/);

    await page.getByLabel('New label').fill('portrait');
    await page.getByRole('button', { name: 'Add label' }).click();
    await page.getByText('Added “portrait”.').waitFor();
    // The refreshed schema lists the new label last, with its own controls.
    await page.getByRole('button', { name: 'Delete portrait' }).waitFor();
    expect(await page.getByLabel('Name', { exact: true }).last().inputValue()).toBe('portrait');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete landscape' }).click();
    await page.getByText(/"landscape" cannot be deleted: \d+ annotations use it/).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('settings.png') });
    await context.close();
  });

  it('creates a collection with its labels from the form and opens its empty grid', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto('/sign-in?next=/collections/new');
    await signIn(page, E2E_ADMIN);
    await page.waitForURL(/\/collections\/new$/);

    await page.getByLabel('Name').fill('Parish registers');
    await page.getByLabel('Multi-label').check();
    await page.getByLabel('Initial labels').fill('baptism\nmarriage\n\nburial\nmarriage');
    await page.getByRole('button', { name: 'Create collection' }).click();

    await page.waitForURL(/\/collections\/parish-registers$/);
    await page.getByText('This collection has no items yet.').waitFor();
    const filterNames = await page
      .getByRole('navigation', { name: 'Filter items' })
      .getByRole('link')
      .allTextContents();
    expect(filterNames.map((name) => name.replace(/\d+$/, ''))).toEqual([
      'All',
      'Unannotated',
      'None of these',
      'baptism',
      'marriage',
      'burial',
    ]);
    await expect.poll(() => page.getByText('Multi-label').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('shows a curator the 403 page for the users admin', async () => {
    const admin = await browser.newContext({ viewport: VIEWPORT, baseURL: server.baseUrl });
    const adminPage = await admin.newPage();
    await adminPage.goto('/sign-in');
    await signIn(adminPage, E2E_ADMIN);
    await adminPage.waitForURL(/\/collections$/);
    await adminPage.goto('/admin/users');
    await adminPage.getByLabel('Name', { exact: true }).fill(CURATOR.name);
    await adminPage.getByLabel('Email', { exact: true }).fill(CURATOR.email);
    await adminPage.getByLabel('Role', { exact: true }).selectOption('curator');
    await adminPage.getByLabel('Initial password').fill(CURATOR.password);
    await adminPage.getByRole('button', { name: 'Create account' }).click();
    await adminPage.getByRole('cell', { name: CURATOR.email }).waitFor();
    await adminPage.screenshot({ path: screenshotPath('users.png') });
    await admin.close();

    const curator = await browser.newContext({ viewport: VIEWPORT, baseURL: server.baseUrl });
    const page = await curator.newPage();
    await page.goto('/sign-in');
    await signIn(page, CURATOR);
    await page.waitForURL(/\/collections$/);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);

    const response = await page.goto('/admin/users');
    expect(response?.status()).toBe(403);
    await page.getByRole('heading', { name: 'Not available to your role' }).waitFor();

    await page.goto('/collections');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.goto('/collections');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await curator.close();
  });
});
