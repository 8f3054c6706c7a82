import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as signInPost } from '@/app/api/auth/sign-in/route';
import { GET as listCollections } from '@/app/api/collections/route';
import { PATCH as patchUser } from '@/app/api/users/[id]/route';
import { GET as listUsers, POST as createUser } from '@/app/api/users/route';
import {
  apiRequest,
  errorOf,
  params,
  signedInUser,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../../helpers/app';

let app: TestApp;
beforeEach(() => {
  app = startTestApp();
});
afterEach(() => app.close());

const newCurator = {
  email: 'new.curator@example.org',
  name: 'New Curator',
  role: 'curator',
  password: TEST_PASSWORD,
};

function patch(id: number, cookie: string, body: unknown) {
  return patchUser(
    apiRequest(`/api/users/${id}`, { method: 'PATCH', cookie, body }),
    params({ id: String(id) }),
  );
}

describe('users admin API', () => {
  it('refuses curators and reviewers with 403', async () => {
    for (const role of ['curator', 'reviewer'] as const) {
      const { cookie, user } = await signedInUser(app.db, role);

      expect((await listUsers(apiRequest('/api/users', { cookie }))).status).toBe(403);
      const create = await createUser(
        apiRequest('/api/users', { method: 'POST', cookie, body: newCurator }),
      );
      expect(create.status).toBe(403);
      expect((await patch(user.id, cookie, { role: 'admin' })).status).toBe(403);
    }
  });

  it('lets an admin create an account that can then sign in, without exposing hashes', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');

    const created = await createUser(
      apiRequest('/api/users', { method: 'POST', cookie, body: newCurator }),
    );
    expect(created.status).toBe(201);

    const listed = (await (await listUsers(apiRequest('/api/users', { cookie }))).json()) as {
      users: Record<string, unknown>[];
    };
    expect(listed.users.map((user) => user.email)).toContain(newCurator.email);
    expect(listed.users.every((user) => !('passwordHash' in user))).toBe(true);

    const signIn = await signInPost(
      apiRequest('/api/auth/sign-in', {
        method: 'POST',
        body: { email: newCurator.email, password: TEST_PASSWORD },
      }),
    );
    expect(signIn.status).toBe(200);
  });

  it('refuses a second account with the same email (any case) with 409', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    await createUser(apiRequest('/api/users', { method: 'POST', cookie, body: newCurator }));

    const again = await createUser(
      apiRequest('/api/users', {
        method: 'POST',
        cookie,
        body: { ...newCurator, email: newCurator.email.toUpperCase() },
      }),
    );
    expect(again.status).toBe(409);
  });

  it('changes a role, and disabling an account ends its sessions at once', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const curator = await signedInUser(app.db, 'curator');

    const promoted = await patch(curator.user.id, cookie, { role: 'reviewer' });
    expect(promoted.status).toBe(200);
    expect(((await promoted.json()) as { user: { role: string } }).user.role).toBe('reviewer');

    const disabled = await patch(curator.user.id, cookie, { disabled: true });
    expect(disabled.status).toBe(200);
    const afterDisable = await listCollections(
      apiRequest('/api/collections', { cookie: curator.cookie }),
    );
    expect(afterDisable.status).toBe(401);

    const enabled = await patch(curator.user.id, cookie, { disabled: false });
    expect(
      ((await enabled.json()) as { user: { disabledAt: number | null } }).user.disabledAt,
    ).toBe(null);
  });

  it('resets a password: the old one stops working and old sessions end', async () => {
    const { cookie } = await signedInUser(app.db, 'admin');
    const curator = await signedInUser(app.db, 'curator');

    const reset = await patch(curator.user.id, cookie, { password: 'a brand new passphrase' });
    expect(reset.status).toBe(200);

    const oldSession = await listCollections(
      apiRequest('/api/collections', { cookie: curator.cookie }),
    );
    expect(oldSession.status).toBe(401);
    const withOld = await signInPost(
      apiRequest('/api/auth/sign-in', {
        method: 'POST',
        body: { email: curator.user.email, password: TEST_PASSWORD },
      }),
    );
    expect(withOld.status).toBe(401);
    const withNew = await signInPost(
      apiRequest('/api/auth/sign-in', {
        method: 'POST',
        body: { email: curator.user.email, password: 'a brand new passphrase' },
      }),
    );
    expect(withNew.status).toBe(200);
  });

  it('will not demote the last active admin', async () => {
    const { cookie, user } = await signedInUser(app.db, 'admin');

    const demote = await patch(user.id, cookie, { role: 'curator' });

    expect(demote.status).toBe(409);
    expect((await errorOf(demote)).message).toContain('last active admin');
  });

  it('does not let an admin disable their own account', async () => {
    const { cookie, user } = await signedInUser(app.db, 'admin');
    await signedInUser(app.db, 'admin');

    const response = await patch(user.id, cookie, { disabled: true });

    expect(response.status).toBe(409);
    expect((await errorOf(response)).message).toContain('your own account');
  });

  it('lets an admin demote themselves while another admin remains', async () => {
    const { cookie, user } = await signedInUser(app.db, 'admin');
    await signedInUser(app.db, 'admin');

    const demoted = await patch(user.id, cookie, { role: 'curator' });

    expect(demoted.status).toBe(200);
    const afterwards = await listUsers(apiRequest('/api/users', { cookie }));
    expect(afterwards.status).toBe(403);
  });

  it('does not count a disabled admin as the other admin', async () => {
    const { cookie, user } = await signedInUser(app.db, 'admin');
    const other = await signedInUser(app.db, 'admin');
    expect((await patch(other.user.id, cookie, { disabled: true })).status).toBe(200);

    expect((await patch(user.id, cookie, { role: 'reviewer' })).status).toBe(409);
  });

  it('rejects an empty change and a short password with 422', async () => {
    const { cookie, user } = await signedInUser(app.db, 'admin');

    expect((await patch(user.id, cookie, {})).status).toBe(422);
    expect((await patch(user.id, cookie, { password: 'short' })).status).toBe(422);
  });
});
