import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

/**
 * Signs in to a running Curio and screenshots a collection's comparison page, full length, for
 * the docs: `tsx scripts/compare-screenshot.ts --url http://127.0.0.1:3999 --slug hieroglyphs
 * --email … --password … --out docs/screenshots/compare-hieroglyphs.png` (Debian's chromium).
 */

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    slug: { type: 'string' },
    email: { type: 'string' },
    password: { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values.url || !values.slug || !values.email || !values.password || !values.out) {
  throw new Error('--url, --slug, --email, --password and --out are all required.');
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${values.url}/sign-in?next=/collections/${values.slug}/compare`);
  await page.getByLabel('Email').fill(values.email);
  await page.getByLabel('Password').fill(values.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('metrics-table').waitFor({ timeout: 60_000 });
  // Let the charts measure their containers and draw.
  await page.waitForTimeout(1500);
  await page.screenshot({ path: values.out, fullPage: true });
  process.stdout.write(`Wrote ${values.out}.\n`);
} finally {
  await browser.close();
}
