import { parseArgs } from 'node:util';
import { z } from 'zod';
import { closeDb, getDb } from '@/db/client';
import { getCollectionByName, getCollectionBySlug } from '@/lib/collections/collection-repo';
import { env } from '@/lib/env';
import { isAppError } from '@/lib/errors';
import { NOVELTY_METHODS } from '@/lib/ml/novelty';
import { trainCollection, type TrainProgress } from '@/lib/ml/train-collection';

export const summary = 'Train the classifier and/or labeler of a collection and score its items.';

const HELP = `Usage: npm run curio -- train --collection <name> [--kind classifier|labeler|both]
  [--backbone <id|folder>] [--hidden N] [--seed N] [--novelty knn|mahalanobis]

  --collection, -c   collection name or slug
  --kind             which model to train; both (the default) trains them on one snapshot
  --backbone         backbone id or model folder; defaults to CURIO_BACKBONE
  --hidden           units of a ReLU hidden layer; 0 (the default) is a linear head
Exit code 0 when every model trained, 1 otherwise.`;

const argsSchema = z.object({
  collection: z.string('--collection <name> is required').trim().min(1),
  kind: z.enum(['classifier', 'labeler', 'both']).default('both'),
  backbone: z.string().optional(),
  hidden: z.coerce.number().int().min(0).default(0),
  seed: z.coerce.number().int().default(42),
  novelty: z.enum(NOVELTY_METHODS).default('knn'),
});

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      collection: { type: 'string', short: 'c' },
      kind: { type: 'string' },
      backbone: { type: 'string' },
      hidden: { type: 'string' },
      seed: { type: 'string' },
      novelty: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help' as const;
  return argsSchema.parse(values);
}

function printProgress(progress: TrainProgress): void {
  if (progress.stage === 'train' && (progress.epoch % 10 === 0 || progress.epoch === 1)) {
    const val = progress.valLoss === null ? '' : ` val loss ${progress.valLoss.toFixed(4)}`;
    const metric =
      progress.valMetric === null ? '' : ` val macro-F1 ${progress.valMetric.toFixed(3)}`;
    process.stderr.write(
      `  ${progress.kind} epoch ${progress.epoch}: loss ${progress.loss.toFixed(4)}${val}${metric}\n`,
    );
  } else if (progress.stage === 'embed' && progress.done === progress.total) {
    process.stderr.write(`  embedded ${progress.total} items\n`);
  } else if (progress.stage === 'ready') {
    process.stderr.write(`  model ${progress.modelId} (${progress.kind}) is ready and active\n`);
  }
}

export async function run(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
    return 1;
  }
  if (args === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }

  const db = getDb();
  try {
    const collection =
      getCollectionByName(db, args.collection) ?? getCollectionBySlug(db, args.collection);
    if (!collection) {
      process.stderr.write(`No collection is named "${args.collection}".\n`);
      return 1;
    }
    const results = await trainCollection({
      db,
      dataDir: env().dataDir,
      collectionId: collection.id,
      kinds: args.kind === 'both' ? ['classifier', 'labeler'] : [args.kind],
      backbone: args.backbone ?? env().CURIO_BACKBONE,
      options: {
        head: { hiddenUnits: args.hidden },
        seed: args.seed,
        novelty: { method: args.novelty },
      },
      onProgress: printProgress,
    });
    for (const result of results) {
      const f1 = result.metrics.macroF1 === null ? 'n/a' : result.metrics.macroF1.toFixed(3);
      process.stdout.write(
        `${result.kind}: model ${result.modelId}, trained on ${result.trainCount}, validated on ` +
          `${result.validationCount}, validation macro-F1 ${f1}, scored ${result.scoredItems} items\n`,
      );
    }
    return 0;
  } catch (error) {
    process.stderr.write(
      `Training failed: ${isAppError(error) || error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    closeDb();
  }
}
