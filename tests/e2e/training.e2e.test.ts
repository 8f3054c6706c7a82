import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { E2E_ADMIN, startServer, type RunningServer } from './server';

/**
 * Training from the browser against the production build: an admin trains both models on the
 * seeded demo collection in the worker process, watches the server-sent progress reach "Done.",
 * and the comparison page shows both models' numbers. MobileNetV2 at 96 px keeps it short.
 */

const TRAINING_TIMEOUT_MS = 300_000;

let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  server = await startServer({ CURIO_BACKBONE: 'mobilenet-v2@96' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe.skipIf(!hasChromium())('training in a browser', () => {
  it(
    'trains both models with live progress, then compares them',
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const scriptErrors: string[] = [];
      page.on('pageerror', (error) => scriptErrors.push(error.message));

      await page.goto(`${server.baseUrl}/sign-in?next=/collections/demo-collection/models`);
      await page.getByLabel('Email').fill(E2E_ADMIN.email);
      await page.getByLabel('Password').fill(E2E_ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/collections\/demo-collection\/models$/);
      await page.getByText('No model has been trained yet.').waitFor();

      await page.getByLabel('Maximum epochs').fill('40');
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await expect
        .poll(() => page.getByRole('button', { name: 'Training…' }).isDisabled())
        .toBe(true);
      await page
        .getByTestId('training-progress')
        .getByText('Done.')
        .waitFor({ timeout: TRAINING_TIMEOUT_MS });

      // The registry lists both new models as active once the page has refreshed.
      await expect.poll(() => page.getByText('active', { exact: true }).count()).toBe(2);
      await page.screenshot({ path: screenshotPath('models.png'), fullPage: true });

      await page.goto(`${server.baseUrl}/collections/demo-collection/compare`);
      const metrics = page.getByTestId('metrics-table');
      await metrics.waitFor();
      const macroRow = metrics.getByRole('row', { name: /Macro-F1/ });
      const cells = await macroRow.getByRole('cell').allInnerTexts();
      expect(cells[1]).toMatch(/^\d\.\d{3}$/);
      expect(cells[2]).toMatch(/^\d\.\d{3}$/);
      await page.getByTestId('abstentions').waitFor();
      await page.getByTestId('no-label-count').waitFor();
      expect(scriptErrors).toEqual([]);
    },
    TRAINING_TIMEOUT_MS + 60_000,
  );
});
