import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeImage, makeTruncatedJpeg, writeTree } from '../../helpers/images';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-cli-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function curio(args: string[]) {
  return run(TSX, ['lib/cli/main.ts', ...args], {
    cwd: REPO,
    env: { ...process.env, CURIO_DATA_DIR: path.join(dir, 'data'), CURIO_LOG_LEVEL: 'warn' },
  });
}

describe('npm run curio -- import', () => {
  it('imports a folder into a new collection and prints the report with each failure by name', async () => {
    const source = path.join(dir, 'maps');
    writeTree(source, {
      'coastal/a.jpg': await makeImage(1),
      'coastal/b.jpg': await makeImage(2),
      'inland/c.png': await makeImage(3, 'png'),
      'inland/torn.jpg': await makeTruncatedJpeg(4),
    });

    const { stdout } = await curio(['import', source, '--collection', 'Maps', '--mode', 'multi']);

    expect(stdout).toContain('Created the multi-label collection "Maps".');
    expect(stdout).toMatch(/added:\s+3\n/);
    expect(stdout).toMatch(/labels created:\s+2 \(coastal, inland\)/);
    expect(stdout).toContain('inland/torn.jpg: truncated JPEG');
    const db = new Database(path.join(dir, 'data', 'curio.sqlite'), { readonly: true });
    expect(
      db.prepare("select count(*) as n from annotations where source = 'import'").get(),
    ).toEqual({ n: 3 });
    db.close();
  });

  it('exits with 1 and the usage when --collection is missing', async () => {
    const failure = await curio(['import', dir]).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('--collection <name> is required');
  });

  it('lists the available commands for an unknown one', async () => {
    const failure = await curio(['frobnicate']).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/Unknown command "frobnicate"[\s\S]*import[\s\S]*user/);
  });
});
