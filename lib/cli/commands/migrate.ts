import { closeDb, databaseFile, getDb } from '@/db/client';

export const summary = 'Create the database or bring it to the current schema.';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('Usage: npm run curio -- migrate\n');
    return 0;
  }

  try {
    getDb();
    process.stdout.write(`The database ${databaseFile()} is up to date.\n`);
    return 0;
  } finally {
    closeDb();
  }
}
