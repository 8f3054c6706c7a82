import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccount,
  createCollectionFromFolder,
  signInCookie,
  writeGeneratedImages,
  type CreatedCollection,
} from './annotate-fixture';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { E2E_ADMIN, startServer, type RunningServer } from './server';

/**
 * A curator labels 20 items with the keyboard alone — label hotkeys, N for "none of these",
 * Enter to save, Ctrl+Z to undo one save and redo it differently — and the SQLite file then holds
 * exactly what was typed: one row per save, plus the undo row pointing at the undone one.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const VIEWPORT = { width: 1280, height: 800 };
const ITEM_COUNT = 24;
const CURATOR = { email: 'keys@curio.test', password: 'keyboard curator passphrase' };

let server: RunningServer;
let browser: Browser;
let importRoot: string;
let collection: CreatedCollection;
let curatorId: number;

beforeAll(async () => {
  importRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-annotate-e2e-'));
  await writeGeneratedImages(path.join(importRoot, 'generated'), ITEM_COUNT);
  server = await startServer({ CURIO_IMPORT_ROOTS: importRoot });
  browser = await launchBrowser();

  const admin = await signInCookie(server, E2E_ADMIN);
  curatorId = await createAccount(server, admin, {
    ...CURATOR,
    name: 'Kim Keys',
    role: 'curator',
  });
  collection = await createCollectionFromFolder(server, admin, {
    name: 'Keyboard test',
    mode: 'multi',
    labels: ['red', 'green', 'blue'],
    folder: path.join(importRoot, 'generated'),
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  fs.rmSync(importRoot, { recursive: true, force: true });
});

async function shownItemId(page: Page, notThis?: number): Promise<number> {
  try {
    const handle = await page.waitForFunction((previous) => {
      const id = Number(
        document.querySelector('figure[data-item-id]')?.getAttribute('data-item-id'),
      );
      return id > 0 && id !== previous ? id : null;
    }, notThis ?? -1);
    return (await handle.jsonValue()) as number;
  } catch (error) {
    // Say what the page showed instead, which a bare timeout does not.
    const shown = await page
      .locator('main')
      .innerText()
      .catch(() => '(no main element)');
    throw new Error(`No item other than ${notThis} appeared. The page showed:\n${shown}`, {
      cause: error,
    });
  }
}

interface Row {
  id: number;
  item_id: number;
  user_id: number;
  kind: string;
  source: string;
  undo_of_id: number | null;
  labels: string | null;
}

function readAnnotations(): Row[] {
  const db = new Database(path.join(server.dataDir, 'curio.sqlite'), { readonly: true });
  try {
    return db
      .prepare(
        `select a.id, a.item_id, a.user_id, a.kind, a.source, a.undo_of_id,
                (select group_concat(l.name, '+') from (
                   select l.name from annotation_labels al join labels l on l.id = al.label_id
                    where al.annotation_id = a.id order by l.name) l) as labels
           from annotations a join items i on i.id = a.item_id
          where i.collection_id = ?
          order by a.id`,
      )
      .all(collection.id) as Row[];
  } finally {
    db.close();
  }
}

function suggestingModelOf(itemId: number): number | null {
  const db = new Database(path.join(server.dataDir, 'curio.sqlite'), { readonly: true });
  try {
    const row = db
      .prepare(
        `select a.suggested_by_model_id as modelId from items i
           join annotations a on a.id = i.current_annotation_id where i.id = ?`,
      )
      .get(itemId) as { modelId: number | null } | undefined;
    return row?.modelId ?? null;
  } finally {
    db.close();
  }
}

describe.skipIf(!hasChromium())('annotating with the keyboard', () => {
  it('stores exactly what the curator typed, including an undo and "none of these"', async () => {
    const hotkey = (name: string) => collection.labels.find((l) => l.name === name)!.hotkey!;
    // What to type on each of the 20 items; "n" is "none of these".
    const plan: string[][] = Array.from({ length: 20 }, (_, index) => {
      if (index % 7 === 3) return ['n'];
      if (index % 5 === 4) return [hotkey('red'), hotkey('blue')];
      return [hotkey(['red', 'green', 'blue'][index % 3])];
    });
    const UNDO_AT = 6;
    const REDO_KEYS = [hotkey('green'), hotkey('blue')];

    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: server.baseUrl });
    const page = await context.newPage();
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    await page.goto(`/sign-in?next=/collections/${collection.slug}/annotate`);
    await page.getByLabel('Email').fill(CURATOR.email);
    await page.getByLabel('Password').fill(CURATOR.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/annotate$/);

    const expected = new Map<number, string>();
    const keysToLabels = (keys: string[]) =>
      keys[0] === 'n'
        ? 'none'
        : keys
            .map((key) => collection.labels.find((l) => l.hotkey === key)!.name)
            .sort()
            .join('+');
    let previous: number | undefined;
    let undoneItem = 0;
    for (const [index, keys] of plan.entries()) {
      const itemId = await shownItemId(page, previous);
      for (const key of keys) await page.keyboard.press(key);
      await page.keyboard.press('Enter');
      expected.set(itemId, keysToLabels(keys));
      previous = itemId;

      if (index === UNDO_AT) {
        await shownItemId(page, itemId);
        await page.keyboard.press('Control+z');
        await page.waitForFunction(
          (id) =>
            document.querySelector('figure[data-item-id]')?.getAttribute('data-item-id') ===
            String(id),
          itemId,
        );
        for (const key of REDO_KEYS) await page.keyboard.press(key);
        await page.keyboard.press('Enter');
        expected.set(itemId, keysToLabels(REDO_KEYS));
        undoneItem = itemId;
      }
    }

    // Saves are optimistic: wait until the server has all of them.
    await expect
      .poll(() => new Set(readAnnotations().map((row) => row.item_id)).size, { timeout: 20_000 })
      .toBe(20);
    await page
      .getByRole('status')
      .filter({ hasText: /Saved: .*of 24 annotated/ })
      .waitFor();

    const rows = readAnnotations();
    expect(rows).toHaveLength(22);
    expect(rows.every((row) => row.user_id === curatorId && row.source === 'human')).toBe(true);

    const latestByItem = new Map<number, Row>();
    for (const row of rows) latestByItem.set(row.item_id, row);
    const stored = new Map(
      [...latestByItem].map(([itemId, row]) => [itemId, row.kind === 'none' ? 'none' : row.labels]),
    );
    expect(stored).toEqual(expected);

    const undoneRows = rows.filter((row) => row.item_id === undoneItem);
    expect(undoneRows.map((row) => [row.kind, row.labels])).toEqual([
      ['labels', keysToLabels(plan[UNDO_AT])],
      ['cleared', null],
      ['labels', keysToLabels(REDO_KEYS)],
    ]);
    expect(undoneRows[1].undo_of_id).toBe(undoneRows[0].id);
    expect(rows.filter((row) => row.kind === 'none')).toHaveLength(
      plan.filter((keys) => keys[0] === 'n').length,
    );

    // The shortcut sheet opens with ? and closes with Esc.
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });

    expect(scriptErrors).toEqual([]);
    await context.close();
  });

  it('keeps a save that failed on screen until a retry stores it', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto(`/sign-in?next=/collections/${collection.slug}/annotate`);
    await page.getByLabel('Email').fill(CURATOR.email);
    await page.getByLabel('Password').fill(CURATOR.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/annotate$/);

    const itemId = await shownItemId(page);
    const saveUrl = `**/api/items/${itemId}/annotations`;
    await page.route(saveUrl, (route) => route.abort('connectionrefused'));
    await page.keyboard.press(collection.labels[0].hotkey!);
    await page.keyboard.press('Enter');
    const alert = page.getByRole('alert').filter({ hasText: 'did not reach the server' });
    await alert.waitFor();
    expect(readAnnotations().some((row) => row.item_id === itemId)).toBe(false);

    await page.unroute(saveUrl);
    await alert.getByRole('button', { name: 'Retry' }).click();
    await alert.waitFor({ state: 'detached' });
    expect(readAnnotations().filter((row) => row.item_id === itemId)).toMatchObject([
      { kind: 'labels', labels: collection.labels[0].name },
    ]);
    await context.close();
  });

  it("shows the demo model's suggestions, records them on a save, and bulk-labels a selection", async () => {
    // Train on the demo's labeled items (seconds at 128 px) so the view has suggestions to show.
    execFileSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
        'lib/cli/main.ts',
        'train',
        '--collection',
        'Demo collection',
        '--kind',
        'both',
        '--backbone',
        'mobilenet-v2@128',
      ],
      { cwd: REPO_ROOT, env: { ...process.env, CURIO_DATA_DIR: server.dataDir }, stdio: 'pipe' },
    );

    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: server.baseUrl });
    const page = await context.newPage();
    await page.goto('/sign-in?next=/collections/demo-collection/annotate');
    await page.getByLabel('Email').fill(E2E_ADMIN.email);
    await page.getByLabel('Password').fill(E2E_ADMIN.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/annotate$/);

    const itemId = await shownItemId(page);
    await page.waitForFunction(() => {
      const image = document.querySelector<HTMLImageElement>('figure[data-item-id] img');
      return image !== null && image.complete && image.naturalWidth > 0;
    });
    await page.getByText(/suggested by the active labeler/i).waitFor();
    await page.screenshot({ path: screenshotPath('annotate.png') });
    await page.keyboard.press('3');

    await page.keyboard.press('Enter');
    await expect.poll(() => suggestingModelOf(itemId), { timeout: 10_000 }).toBeGreaterThan(0);

    await page.goto('/collections/demo-collection?filter=unannotated');
    await page.waitForFunction(() => {
      const images = [...document.querySelectorAll<HTMLImageElement>('ul[aria-label="Items"] img')];
      return images.length > 0 && images.every((image) => image.complete && image.naturalWidth > 0);
    });
    const boxes = page.getByRole('checkbox', { name: /^Select / });
    await boxes.nth(1).click();
    await boxes.nth(4).click({ modifiers: ['Shift'] });
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('4 selected').waitFor();
    await page.screenshot({ path: screenshotPath('grid-bulk.png') });

    await bar.getByRole('button', { name: 'Set label' }).click();
    await page.getByRole('status').filter({ hasText: 'Changed 4 items.' }).waitFor();
    await page.getByRole('link', { name: /^Unannotated 7$/ }).waitFor();
    await context.close();
  });
});
