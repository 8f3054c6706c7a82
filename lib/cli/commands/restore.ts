import { parseArgs } from 'node:util';
import { restoreBackup } from '@/lib/backup/backup-service';
import { env } from '@/lib/env';

export const summary = 'Replace the database of a stopped Curio with a backup (keeps the old one).';

const HELP = `Usage: npm run curio -- restore <file> [--files <folder>]

  Stop Curio first: restore refuses while any process holds the database open.
  Checks that <file> is a Curio database, copies the current database to
  curio.sqlite.before-restore-<time>, then puts <file> in its place.
  --files <folder>   also copy back the stored files of a backup made with --files
                     (the <file>.files folder)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { files: { type: 'string' }, help: { type: 'boolean' } },
  });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(`${HELP}\n`);
    return values.help ? 0 : 1;
  }

  try {
    const result = await restoreBackup(env().dataDir, positionals[0], {
      filesFolder: values.files,
    });
    process.stdout.write(
      `Restored ${positionals[0]}.` +
        (result.previousCopy ? ` The replaced database is at ${result.previousCopy}.` : '') +
        (result.restoredFiles ? ' Stored files were copied back.' : '') +
        '\n',
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
