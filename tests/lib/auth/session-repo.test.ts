import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessions } from '@/db/schema';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import { can } from '@/lib/auth/permissions';
import {
  createSession,
  deleteSession,
  findSessionUser,
  purgeExpiredSessions,
} from '@/lib/auth/session-repo';
import { updateUser } from '@/lib/auth/user-repo';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeUser } from '../../helpers/factories';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('sessions', () => {
  let t: TestDatabase;
  beforeEach(() => (t = createTestDatabase()));
  afterEach(() => t.close());

  it('finds the user of a fresh token and stores only a hash of it', () => {
    const user = makeUser(t.db, 'reviewer');
    const { token } = createSession(t.db, user.id, 14);

    expect(findSessionUser(t.db, token, 14)?.id).toBe(user.id);
    const stored = t.db.select().from(sessions).all();
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).not.toContain(token);
  });

  it('refuses an expired session, a deleted one and one of a disabled user', () => {
    const user = makeUser(t.db);
    const now = Date.now();
    const expired = createSession(t.db, user.id, 1, now - 2 * DAY_MS);
    const deleted = createSession(t.db, user.id, 14, now);
    const live = createSession(t.db, user.id, 14, now);

    deleteSession(t.db, deleted.token);
    expect(findSessionUser(t.db, expired.token, 14, now)).toBeUndefined();
    expect(findSessionUser(t.db, deleted.token, 14, now)).toBeUndefined();
    expect(findSessionUser(t.db, live.token, 14, now)?.id).toBe(user.id);

    updateUser(t.db, user.id, { disabledAt: now });
    expect(findSessionUser(t.db, live.token, 14, now)).toBeUndefined();
    expect(purgeExpiredSessions(t.db, now)).toBe(1);
  });

  it('extends a session that is still in use', () => {
    const user = makeUser(t.db);
    const start = Date.now();
    const { token } = createSession(t.db, user.id, 1, start);

    const later = start + 20 * 60 * 60 * 1000;
    expect(findSessionUser(t.db, token, 1, later)?.id).toBe(user.id);
    expect(findSessionUser(t.db, token, 1, start + 30 * 60 * 60 * 1000)?.id).toBe(user.id);
  });
});

describe('passwords and permissions', () => {
  it('verifies the right password against an argon2id hash and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery');

    expect(stored.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
    expect(await verifyPassword('garbage', 'anything')).toBe(false);
  });

  it('lets only admins manage users and schemas, and only reviewers and admins review', () => {
    expect(can('admin', 'user:manage')).toBe(true);
    expect(can('curator', 'user:manage')).toBe(false);
    expect(can('reviewer', 'collection:manage')).toBe(false);
    expect(can('reviewer', 'review:write')).toBe(true);
    expect(can('curator', 'review:write')).toBe(false);
    expect(can('curator', 'annotation:write')).toBe(true);
  });
});
