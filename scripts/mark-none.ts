import { parseArgs } from 'node:util';
import { and, eq, isNull, like } from 'drizzle-orm';
import { closeDb, getDb } from '@/db/client';
import { items } from '@/db/schema';
import { appendAnnotations } from '@/lib/annotation/annotation-repo';
import { getCollectionBySlug } from '@/lib/collections/collection-repo';

/**
 * Marks the first N unannotated items of a collection whose source path matches a pattern as
 * "none of these" (source human), as a curator would: used to prepare the comparison screenshot
 * (hieroglyphs with modern photos mixed in). `tsx scripts/mark-none.ts --collection hieroglyphs
 * --match '%.jpg' --count 30`.
 */

const { values } = parseArgs({
  options: {
    collection: { type: 'string' },
    match: { type: 'string', default: '%' },
    count: { type: 'string', default: '30' },
  },
});

const db = getDb();
const collection = getCollectionBySlug(db, values.collection ?? '');
if (!collection) throw new Error(`No collection with the slug "${values.collection}".`);

const chosen = db
  .select({ id: items.id })
  .from(items)
  .where(
    and(
      eq(items.collectionId, collection.id),
      isNull(items.currentAnnotationId),
      like(items.sourceUri, values.match ?? '%'),
    ),
  )
  .orderBy(items.id)
  .limit(Number(values.count))
  .all();

appendAnnotations(
  db,
  chosen.map((item) => ({
    itemId: item.id,
    userId: null,
    labelIds: [],
    none: true,
    source: 'human' as const,
  })),
);
process.stdout.write(`Marked ${chosen.length} item(s) of "${collection.name}" none of these.\n`);
closeDb();
