import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeImage, writeTree } from '../../helpers/images';

const run = promisify(execFile);
const REPO = path.resolve(import.meta.dirname, '../../..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-cli-export-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function curio(args: string[]) {
  return run(TSX, ['lib/cli/main.ts', ...args], {
    cwd: REPO,
    env: { ...process.env, CURIO_DATA_DIR: path.join(dir, 'data'), CURIO_LOG_LEVEL: 'warn' },
  });
}

describe('npm run curio -- export', () => {
  it('writes the chosen format to --out and reports its size', async () => {
    const source = path.join(dir, 'seals');
    writeTree(source, {
      'cylinder/a.jpg': await makeImage(1),
      'stamp/b.jpg': await makeImage(2),
    });
    await curio(['import', source, '--collection', 'Seals']);
    const out = path.join(dir, 'seals.csv');

    const { stderr } = await curio(['export', '-c', 'Seals', '-f', 'csv', '--out', out]);

    expect(stderr).toMatch(new RegExp(`Wrote ${out}: \\d+ bytes in \\d+ ms\\.`));
    const rows = parse(fs.readFileSync(out, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.labels, row.source]).sort()).toEqual([
      ['cylinder', 'import'],
      ['stamp', 'import'],
    ]);
  });

  it('exits with 1 and says why for an unknown format', async () => {
    const failure = await curio(['export', '-c', 'Seals', '-f', 'xlsx', '--out', '-']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringMatching(/format/) });
  });
});
