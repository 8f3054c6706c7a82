import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCall, createAccount, signInCookie } from './annotate-fixture';
import { hasChromium, launchBrowser, screenshotPath } from './browser';
import { E2E_ADMIN, startServer, type RunningServer } from './server';

/**
 * A reviewer works ten items of the demo collection's uncertainty queue by keyboard alone
 * (Enter to accept, a label key then Enter to correct, N for none of these, S to skip, Ctrl+Z to
 * undo), and each decision is stored as an annotation with source "review", the active labeler
 * as the suggesting model and the queue it came from. The demo's models are trained first with
 * the CLI, on a small backbone input, against the server's own data folder.
 */

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');
const REVIEWER = { email: 'review@curio.test', password: 'reviewer passphrase here' };
const SMALL_BACKBONE = 'mobilenet-v2@96';
const execFileAsync = promisify(execFile);

let server: RunningServer;
let browser: Browser;
let collection: { id: number; slug: string };
let reviewerId: number;

async function waitForDemo(cookie: string): Promise<{ id: number; slug: string }> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const { body } = await apiCall<{
      collections: { id: number; slug: string; name: string; itemCount: number }[];
    }>(server, '/api/collections', { cookie });
    const demo = body.collections.find((c) => c.name === 'Demo collection');
    if (demo && demo.itemCount >= 30) return demo;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`The demo collection was not seeded:\n${server.output()}`);
}

/**
 * Trains both demo models with the CLI. Asynchronous on purpose: blocking the test process would
 * leave its pooled keep-alive sockets to the server to time out unnoticed.
 */
async function trainDemoModels(): Promise<void> {
  try {
    await execFileAsync(
      process.execPath,
      ['--import', 'tsx', 'lib/cli/main.ts', 'train', '--collection', 'Demo collection'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, CURIO_DATA_DIR: server.dataDir, CURIO_BACKBONE: SMALL_BACKBONE },
        timeout: 240_000,
      },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`Training the demo failed: ${String(error)}\n${stderr}`);
  }
}

beforeAll(async () => {
  server = await startServer({ CURIO_BACKBONE: SMALL_BACKBONE });
  const admin = await signInCookie(server, E2E_ADMIN);
  collection = await waitForDemo(admin);
  await trainDemoModels();
  reviewerId = await createAccount(server, admin, {
    ...REVIEWER,
    name: 'Rae Reviewer',
    role: 'reviewer',
  });
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function shownItemId(page: Page, notThis = -1): Promise<number> {
  const handle = await page.waitForFunction((previous) => {
    const id = Number(
      document.querySelector('article[data-item-id]')?.getAttribute('data-item-id'),
    );
    return id > 0 && id !== previous ? id : null;
  }, notThis);
  return (await handle.jsonValue()) as number;
}

interface Row {
  id: number;
  item_id: number;
  user_id: number;
  kind: string;
  source: string;
  suggested_by_model_id: number | null;
  queue: string | null;
  undo_of_id: number | null;
}

function readReviewState(): { rows: Row[]; labelerId: number } {
  const db = new Database(path.join(server.dataDir, 'curio.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `select a.id, a.item_id, a.user_id, a.kind, a.source, a.suggested_by_model_id, a.queue,
                a.undo_of_id
           from annotations a join items i on i.id = a.item_id
          where i.collection_id = ? and a.user_id = ? order by a.id`,
      )
      .all(collection.id, reviewerId) as Row[];
    const labeler = db
      .prepare(`select id from models where collection_id = ? and kind = 'labeler' and active = 1`)
      .get(collection.id) as { id: number };
    return { rows, labelerId: labeler.id };
  } finally {
    db.close();
  }
}

describe.skipIf(!hasChromium())('reviewing by keyboard', () => {
  it('stores ten decisions as review annotations with the labeler and the queue', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      baseURL: server.baseUrl,
    });
    const page = await context.newPage();
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    await page.goto(`/sign-in?next=/collections/${collection.slug}/review`);
    await page.getByLabel('Email').fill(REVIEWER.email);
    await page.getByLabel('Password').fill(REVIEWER.password);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/review$/);

    // Ten decisions; "skip" and "undo" are extra keystrokes between them.
    const plan = [
      'Enter',
      'Enter',
      '1',
      'n',
      'skip',
      'Enter',
      'undo',
      '2',
      'Enter',
      'n',
      'Enter',
      '3',
    ];
    const decided: number[] = [];
    let previous = -1;
    for (const step of plan) {
      if (step === 'undo') {
        await page.keyboard.press('Control+z');
        const undone = decided.at(-1);
        await page.waitForFunction(
          (id) =>
            document.querySelector('article[data-item-id]')?.getAttribute('data-item-id') ===
            String(id),
          undone,
        );
        previous = -1;
        continue;
      }
      const itemId = await shownItemId(page, previous);
      if (decided.length === 2) await page.screenshot({ path: screenshotPath('review.png') });
      if (step === 'skip') {
        await page.keyboard.press('s');
      } else {
        // A label key corrects the answer (that label alone: the demo is single-label).
        if (step !== 'Enter' && step !== 'n') await page.keyboard.press(step);
        await page.keyboard.press(step === 'n' ? 'n' : 'Enter');
        decided.push(itemId);
        // The next key (Ctrl+Z above all) is for this decision only once it is stored.
        await page.waitForFunction(
          (id) =>
            new RegExp(`Saved item ${id}( |\\.)`).test(
              document.querySelector('[role="status"]')?.textContent ?? '',
            ),
          itemId,
        );
      }
      previous = itemId;
    }
    await expect.poll(() => readReviewState().rows.length, { timeout: 10_000 }).toBe(11);

    const { rows, labelerId } = readReviewState();
    const decisions = rows.filter((row) => row.undo_of_id === null);
    const undos = rows.filter((row) => row.undo_of_id !== null);
    expect(decisions).toHaveLength(10);
    expect(undos).toHaveLength(1);
    expect(rows.every((row) => row.source === 'review')).toBe(true);
    expect(rows.every((row) => row.suggested_by_model_id === labelerId)).toBe(true);
    expect(rows.every((row) => row.queue === 'uncertain' || row.queue === 'uncertain+random')).toBe(
      true,
    );
    expect(decisions.filter((row) => row.kind === 'none').length).toBeGreaterThanOrEqual(2);
    // The undone decision was made again: its item has two decisions and one undo between them.
    const undoneItem = undos[0].item_id;
    expect(decisions.filter((row) => row.item_id === undoneItem)).toHaveLength(2);
    expect(scriptErrors).toEqual([]);
    await context.close();
  });
});
