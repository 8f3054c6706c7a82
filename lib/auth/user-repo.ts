import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users, type Role } from '@/db/schema';

export type User = typeof users.$inferSelect;
export type PublicUser = Omit<User, 'passwordHash'>;

export function toPublicUser(user: User): PublicUser {
  const { passwordHash: _hidden, ...rest } = user;
  return rest;
}

export function countUsers(db: Db): number {
  return db.select({ n: count() }).from(users).get()?.n ?? 0;
}

export function findUserByEmail(db: Db, email: string): User | undefined {
  return db
    .select()
    .from(users)
    .where(eq(users.email, normaliseEmail(email)))
    .get();
}

export function findUserById(db: Db, id: number): User | undefined {
  return db.select().from(users).where(eq(users.id, id)).get();
}

export function listUsers(db: Db): PublicUser[] {
  return db.select().from(users).orderBy(asc(users.email)).all().map(toPublicUser);
}

export function insertUser(
  db: Db,
  user: { email: string; name: string; passwordHash: string; role: Role },
): User {
  return db
    .insert(users)
    .values({ ...user, email: normaliseEmail(user.email) })
    .returning()
    .get();
}

export function updateUser(
  db: Db,
  id: number,
  changes: Partial<Pick<User, 'name' | 'role' | 'passwordHash' | 'disabledAt' | 'settings'>>,
): User | undefined {
  return db.update(users).set(changes).where(eq(users.id, id)).returning().get();
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Admins who can still sign in; the last one may not be demoted or disabled. */
export function countActiveAdmins(db: Db): number {
  return (
    db
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), isNull(users.disabledAt)))
      .get()?.n ?? 0
  );
}
