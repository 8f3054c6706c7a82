import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { closeDb, getDb } from '@/db/client';
import { ANNOTATION_MODES } from '@/db/schema';
import { isAppError } from '@/lib/errors';
import { importFolder, type FolderImportReport } from '@/lib/import/folder-import';
import { findOrCreateCollection } from '@/lib/import/import-collection';

export const summary = 'Import a folder of images (folder-per-label or flat) into a collection.';

const HELP = `Usage: npm run curio -- import <dir> --collection <name> [--mode single|multi] [--flat]

  <dir>              folder to import; each top-level sub-folder's name labels its images
  --collection, -c   collection name; created when it does not exist
  --mode             single (one label per item, the default) or multi; only for a new collection
  --description      description of a new collection
  --flat             ignore folder names: import every image unlabeled
Exit code 0 when the import ran (even if some files failed), 1 on a fatal error.`;

const argsSchema = z.object({
  dir: z.string().min(1, 'the folder to import is missing'),
  collection: z
    .string('--collection <name> is required')
    .trim()
    .min(1, '--collection <name> is required'),
  mode: z.enum(ANNOTATION_MODES),
  description: z.string().optional(),
  flat: z.boolean(),
});

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      collection: { type: 'string', short: 'c' },
      mode: { type: 'string', default: 'single' },
      description: { type: 'string' },
      flat: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help' as const;
  if (positionals.length > 1) throw new Error(`Expected one folder, got ${positionals.length}.`);

  return argsSchema.parse({ ...values, dir: positionals[0] ?? '' });
}

function progressPrinter(): (done: number, total: number) => void {
  let lastTenth = -1;
  return (done, total) => {
    const tenth = Math.floor((done / Math.max(total, 1)) * 10);
    if (tenth === lastTenth && done !== total) return;
    lastTenth = tenth;
    process.stderr.write(
      `  ${done}/${total} files (${Math.round((done / Math.max(total, 1)) * 100)}%)\n`,
    );
  };
}

export function formatReport(report: FolderImportReport): string {
  const lines = [
    `Imported ${report.root} in ${(report.durationMs / 1000).toFixed(1)} s${report.cancelled ? ' (cancelled)' : ''}.`,
    `  files found:          ${report.filesFound}`,
    `  added:                ${report.added}`,
    `  already present:      ${report.alreadyPresent}`,
    `  duplicate copies:     ${report.duplicates}`,
    `  labels created:       ${report.labelsCreated.length}${report.labelsCreated.length > 0 ? ` (${report.labelsCreated.join(', ')})` : ''}`,
    `  annotations created:  ${report.annotationsCreated}`,
    `  failed:               ${report.failures.length}`,
  ];
  for (const failure of report.failures) lines.push(`    ${failure.path}: ${failure.reason}`);
  for (const conflict of report.conflicts) {
    lines.push(
      `  conflict: ${conflict.paths.join(', ')} are one image in folders ${conflict.labels.join(' and ')}; ` +
        'imported without a label because the collection is single-label',
    );
  }
  for (const skipped of report.skipped) lines.push(`  skipped ${skipped.path}: ${skipped.reason}`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    const message =
      error instanceof z.ZodError
        ? error.issues.map((issue) => issue.message).join('; ')
        : String((error as Error).message);
    process.stderr.write(`${message}\n\n${HELP}\n`);
    return 1;
  }
  if (args === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  try {
    const db = getDb();
    const { collection, created, modeIgnored } = findOrCreateCollection(db, {
      name: args.collection,
      mode: args.mode,
      description: args.description,
    });
    process.stdout.write(
      created
        ? `Created the ${collection.annotationMode}-label collection "${collection.name}".\n`
        : `Importing into the existing collection "${collection.name}"` +
            `${modeIgnored ? ` (it stays ${collection.annotationMode}-label)` : ''}.\n`,
    );

    const report = await importFolder(db, {
      root: path.resolve(args.dir),
      collectionId: collection.id,
      layout: args.flat ? 'flat' : 'auto',
      onProgress: progressPrinter(),
    });
    process.stdout.write(`${formatReport(report)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(
      `The import failed: ${isAppError(error) || error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    closeDb();
  }
}
