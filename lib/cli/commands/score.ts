import { parseArgs } from 'node:util';
import { z } from 'zod';
import { closeDb, getDb } from '@/db/client';
import { getCollectionByName, getCollectionBySlug } from '@/lib/collections/collection-repo';
import { env } from '@/lib/env';
import { scoreCollection } from '@/lib/ml/score-collection';

export const summary = 'Score every item of a collection with its active models.';

const HELP = `Usage: npm run curio -- score --collection <name> [--kind classifier|labeler|both]

  Embeds items added since training and replaces the active models' predictions.
Exit code 0 when scoring ran, 1 otherwise.`;

const argsSchema = z.object({
  collection: z.string('--collection <name> is required').trim().min(1),
  kind: z.enum(['classifier', 'labeler', 'both']).default('both'),
});

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      collection: { type: 'string', short: 'c' },
      kind: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    process.stderr.write(
      `${parsed.error.issues.map((issue) => issue.message).join('; ')}\n\n${HELP}\n`,
    );
    return 1;
  }

  const db = getDb();
  try {
    const { collection: name, kind } = parsed.data;
    const collection = getCollectionByName(db, name) ?? getCollectionBySlug(db, name);
    if (!collection) {
      process.stderr.write(`No collection is named "${name}".\n`);
      return 1;
    }
    const results = await scoreCollection({
      db,
      dataDir: env().dataDir,
      collectionId: collection.id,
      kinds: kind === 'both' ? undefined : [kind],
    });
    if (results.length === 0)
      process.stdout.write('The collection has no active model to score with.\n');
    for (const result of results) {
      process.stdout.write(
        `${result.kind}: model ${result.modelId} scored ${result.scoredItems} items\n`,
      );
    }
    return 0;
  } catch (error) {
    process.stderr.write(
      `Scoring failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    closeDb();
  }
}
