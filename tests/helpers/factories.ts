import crypto from 'node:crypto';
import type { Db } from '@/db/client';
import type { AnnotationMode, Role } from '@/db/schema';
import { insertUser, type User } from '@/lib/auth/user-repo';
import {
  addLabels,
  createCollection,
  type Collection,
  type Label,
} from '@/lib/collections/collection-repo';
import { insertItem, type Item } from '@/lib/collections/item-repo';

/** Small factories for database tests: each returns a real row written through the repos. */

let counter = 0;
const nextId = () => (counter += 1);

export function makeUser(db: Db, role: Role = 'curator', overrides: Partial<User> = {}): User {
  const n = nextId();
  return insertUser(db, {
    email: overrides.email ?? `user${n}@example.org`,
    name: overrides.name ?? `User ${n}`,
    passwordHash: overrides.passwordHash ?? 'not-a-real-hash',
    role,
  });
}

export function makeCollection(
  db: Db,
  labelNames: string[] = ['building', 'coat of arms'],
  mode: AnnotationMode = 'single',
): { collection: Collection; labels: Label[] } {
  const collection = createCollection(db, { name: `Collection ${nextId()}`, annotationMode: mode });
  const labels = addLabels(
    db,
    collection.id,
    labelNames.map((name) => ({ name })),
  );
  return { collection, labels };
}

export function makeItem(db: Db, collectionId: number, overrides: Partial<Item> = {}): Item {
  const n = nextId();
  const contentHash = crypto.createHash('sha256').update(`item-${n}`).digest('hex');
  return insertItem(db, {
    collectionId,
    sourceKind: 'folder',
    sourceUri: overrides.sourceUri ?? `item-${n}.jpg`,
    contentHash: overrides.contentHash ?? contentHash,
    filePath: overrides.filePath ?? `items/${collectionId}/${contentHash}.jpg`,
    mimeType: 'image/jpeg',
    sizeBytes: 1000,
    width: 64,
    height: 48,
    identifier: overrides.identifier ?? null,
    metadata: overrides.metadata ?? {},
  });
}
