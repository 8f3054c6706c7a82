import { parseArgs } from 'node:util';
import { createBackup } from '@/lib/backup/backup-service';
import { env } from '@/lib/env';

export const summary =
  'Write a consistent copy of the database (and with --files, the stored files).';

const HELP = `Usage: npm run curio -- backup <file> [--files]

  Writes an online snapshot of CURIO_DATA_DIR/curio.sqlite to <file>; safe while Curio runs.
  --files   also copy the originals (items/) and trained models (models/) to <file>.files/`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { files: { type: 'boolean', default: false }, help: { type: 'boolean' } },
  });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(`${HELP}\n`);
    return values.help ? 0 : 1;
  }

  try {
    const result = await createBackup(env().dataDir, positionals[0], { withFiles: values.files });
    process.stdout.write(
      `Backed up the database to ${result.databaseFile} (${result.sizeBytes} bytes)` +
        (result.filesFolder ? ` and the stored files to ${result.filesFolder}.\n` : '.\n'),
    );
    return 0;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
