import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { closeDb, getDb } from '@/db/client';
import { getCollectionByName, getCollectionBySlug } from '@/lib/collections/collection-repo';
import { env } from '@/lib/env';
import { isAppError } from '@/lib/errors';
import { startExport } from '@/lib/export/create-export';
import { EXPORT_FORMATS, EXPORT_SCOPES, exportOptionsSchema } from '@/lib/export/export-options';

export const summary =
  'Export a collection as CSV, JSONL, an imagefolder zip, COCO or Web Annotations.';

const HELP = `Usage: npm run curio -- export --collection <name> --format <format> --out <file> [options]

  --collection, -c   collection name or slug
  --format, -f       ${EXPORT_FORMATS.join(' | ')}
  --scope            ${EXPORT_SCOPES.join(' | ')} (default human)
  --out, -o          file to write ("-" for standard output)
  --validation       hf-imagefolder: share of each label in validation/ (default 0.2)
  --seed             hf-imagefolder: seed of the split (default 42)
  --folder-per-label hf-imagefolder, single-label collections: train/<label>/<file>
  --model-kind       classifier | labeler: whose predictions (default: the collection's mode)
  --language         web-annotations: BCP 47 language of the label names
  --base-url         web-annotations: the app's origin for item URLs (default http://localhost:3000)
Prints the bytes written and the time taken. Exit code 0 on success, 1 otherwise.`;

const argsSchema = z.object({
  collection: z.string('--collection <name> is required').trim().min(1),
  out: z.string('--out <file> is required').min(1),
  baseUrl: z.url().default('http://localhost:3000'),
});

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      collection: { type: 'string', short: 'c' },
      format: { type: 'string', short: 'f' },
      scope: { type: 'string' },
      out: { type: 'string', short: 'o' },
      validation: { type: 'string' },
      seed: { type: 'string' },
      'folder-per-label': { type: 'boolean', default: false },
      'model-kind': { type: 'string' },
      language: { type: 'string' },
      'base-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const args = argsSchema.safeParse({
    collection: values.collection,
    out: values.out,
    baseUrl: values['base-url'],
  });
  const options = exportOptionsSchema.safeParse({
    format: values.format,
    scope: values.scope,
    validationRatio: values.validation,
    seed: values.seed,
    folderPerLabel: values['folder-per-label'],
    modelKind: values['model-kind'],
    language: values.language,
  });
  return { help: values.help, args, options };
}

export async function run(argv: string[]): Promise<number> {
  const { help, args, options } = parse(argv);
  if (help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (!args.success || !options.success) {
    const issues = [...(args.error?.issues ?? []), ...(options.error?.issues ?? [])];
    const text = issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    process.stderr.write(`${text}\n\n${HELP}\n`);
    return 1;
  }

  const db = getDb();
  const startedMs = Date.now();
  try {
    const name = args.data.collection;
    const collection = getCollectionByName(db, name) ?? getCollectionBySlug(db, name);
    if (!collection) {
      process.stderr.write(`No collection is named "${name}".\n`);
      return 1;
    }

    const file = startExport({
      db,
      dataDir: env().dataDir,
      collectionId: collection.id,
      options: options.data,
      baseUrl: args.data.baseUrl.replace(/\/$/, ''),
    });
    const toStdout = args.data.out === '-';
    await pipeline(
      Readable.from(file.body),
      toStdout ? process.stdout : fs.createWriteStream(args.data.out),
    );
    if (!toStdout) {
      const sizeBytes = fs.statSync(args.data.out).size;
      process.stderr.write(
        `Wrote ${args.data.out}: ${sizeBytes} bytes in ${Date.now() - startedMs} ms.\n`,
      );
    }
    return 0;
  } catch (error) {
    const message = isAppError(error) || error instanceof Error ? error.message : String(error);
    process.stderr.write(`The export failed: ${message}\n`);
    return 1;
  } finally {
    closeDb();
  }
}
