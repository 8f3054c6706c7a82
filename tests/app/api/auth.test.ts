import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { POST as signInPost } from '@/app/api/auth/sign-in/route';
import { POST as signOutPost } from '@/app/api/auth/sign-out/route';
import { POST as setupPost } from '@/app/api/setup/route';
import { GET as listCollections } from '@/app/api/collections/route';
import { POST as createUser } from '@/app/api/users/route';
import { SIGN_IN_FAILED } from '@/lib/auth/account-service';
import { updateUser } from '@/lib/auth/user-repo';
import {
  apiRequest,
  errorOf,
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

function cookieFrom(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  return header.split(';')[0];
}

describe('POST /api/auth/sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie that opens the API', async () => {
    const { user } = await signedInUser(app.db, 'curator');

    const response = await signInPost(
      apiRequest('/api/auth/sign-in', {
        method: 'POST',
        body: { email: user.email.toUpperCase(), password: TEST_PASSWORD },
      }),
    );

    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^curio_session=[\w-]{20,};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    const body = (await response.json()) as { user: Record<string, unknown> };
    expect(body.user.email).toBe(user.email);
    expect(body.user).not.toHaveProperty('passwordHash');

    const list = await listCollections(
      apiRequest('/api/collections', { cookie: cookieFrom(response) }),
    );
    expect(list.status).toBe(200);
  });

  it('fails a wrong password, an unknown email and a disabled account with the same message', async () => {
    const { user } = await signedInUser(app.db, 'curator');
    const disabled = await signedInUser(app.db, 'reviewer');
    updateUser(app.db, disabled.user.id, { disabledAt: Date.now() });

    const attempts = [
      { email: user.email, password: 'not the password' },
      { email: 'nobody@example.org', password: TEST_PASSWORD },
      { email: disabled.user.email, password: TEST_PASSWORD },
    ];
    for (const credentials of attempts) {
      const response = await signInPost(
        apiRequest('/api/auth/sign-in', { method: 'POST', body: credentials }),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(await errorOf(response)).toEqual({ code: 'unauthenticated', message: SIGN_IN_FAILED });
    }
  });

  it('refuses a sign-in posted from another site', async () => {
    const { user } = await signedInUser(app.db, 'admin');

    const response = await signInPost(
      apiRequest('/api/auth/sign-in', {
        method: 'POST',
        body: { email: user.email, password: TEST_PASSWORD },
        headers: { origin: 'https://evil.example' },
      }),
    );

    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});

describe('POST /api/auth/sign-out', () => {
  it('invalidates the session on the server, not only the cookie', async () => {
    const { cookie } = await signedInUser(app.db, 'curator');

    const response = await signOutPost(
      apiRequest('/api/auth/sign-out', { method: 'POST', cookie }),
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toContain('Expires=Thu, 01 Jan 1970');
    const after = await listCollections(apiRequest('/api/collections', { cookie }));
    expect(after.status).toBe(401);
  });
});

describe('POST /api/setup', () => {
  const admin = { email: 'first@example.org', name: 'First Admin', password: TEST_PASSWORD };

  it('creates the first admin and signs them in, then refuses a second setup', async () => {
    const first = await setupPost(apiRequest('/api/setup', { method: 'POST', body: admin }));
    expect(first.status).toBe(201);
    const body = (await first.json()) as { user: { role: string } };
    expect(body.user.role).toBe('admin');

    const adminCookie = cookieFrom(first);
    const created = await createUser(
      apiRequest('/api/users', {
        method: 'POST',
        cookie: adminCookie,
        body: { email: 'c@example.org', name: 'C', role: 'curator', password: TEST_PASSWORD },
      }),
    );
    expect(created.status).toBe(201);

    const second = await setupPost(
      apiRequest('/api/setup', { method: 'POST', body: { ...admin, email: 'other@example.org' } }),
    );
    expect(second.status).toBe(409);
    expect(second.headers.get('set-cookie')).toBeNull();
  });

  it('rejects a password shorter than the minimum', async () => {
    const response = await setupPost(
      apiRequest('/api/setup', { method: 'POST', body: { ...admin, password: 'short' } }),
    );

    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toContain('password');
  });
});
