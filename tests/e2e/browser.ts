import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, driven through playwright-core (which ships no browser of its own). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export function hasChromium(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Where browser tests write their screenshots. They refresh the README's pictures in
 * docs/screenshots only when asked (`CURIO_UPDATE_SCREENSHOTS=1 npm run test:e2e`), so an
 * ordinary test run leaves the work tree clean; otherwise the pictures go to a temporary folder.
 */
export function screenshotPath(name: string): string {
  const folder =
    process.env.CURIO_UPDATE_SCREENSHOTS === '1'
      ? path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots')
      : path.join(os.tmpdir(), 'curio-e2e-screenshots');
  fs.mkdirSync(folder, { recursive: true });
  return path.join(folder, name);
}
