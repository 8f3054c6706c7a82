import crypto from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { sessions, users } from '@/db/schema';
import type { User } from './user-repo';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Sliding expiry is written at most this often, so reads stay reads. */
const TOUCH_INTERVAL_MS = 60 * 60 * 1000;

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Creates a session and returns the token for the cookie; only its hash is stored. */
export function createSession(db: Db, userId: number, lifetimeDays: number, now = Date.now()) {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = now + lifetimeDays * DAY_MS;

  db.insert(sessions)
    .values({ tokenHash: hashToken(token), userId, expiresAt, lastSeenAt: now, createdAt: now })
    .run();
  return { token, expiresAt };
}

/** The signed-in user for a cookie token, or undefined when the session is unknown or expired. */
export function findSessionUser(
  db: Db,
  token: string,
  lifetimeDays: number,
  now = Date.now(),
): User | undefined {
  const tokenHash = hashToken(token);
  const row = db
    .select({ user: users, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now)))
    .get();
  if (!row || row.user.disabledAt !== null) return undefined;

  if (now - row.lastSeenAt > TOUCH_INTERVAL_MS) {
    db.update(sessions)
      .set({ lastSeenAt: now, expiresAt: now + lifetimeDays * DAY_MS })
      .where(eq(sessions.tokenHash, tokenHash))
      .run();
  }
  return row.user;
}

export function deleteSession(db: Db, token: string): void {
  db.delete(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)))
    .run();
}

export function deleteUserSessions(db: Db, userId: number): void {
  db.delete(sessions).where(eq(sessions.userId, userId)).run();
}

export function purgeExpiredSessions(db: Db, now = Date.now()): number {
  return db.delete(sessions).where(lt(sessions.expiresAt, now)).run().changes;
}
