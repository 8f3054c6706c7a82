import { closeDb, databaseFile, getDb } from './client';
import { createLogger } from '@/lib/log';

const log = createLogger('db');

// `npm run db:migrate`: applies the committed migrations to the configured data directory.
getDb();
log.info(`The database at ${databaseFile()} is at the current schema.`);
closeDb();
