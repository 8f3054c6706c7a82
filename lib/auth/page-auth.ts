import { cookies } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { can, type Permission } from './permissions';
import { SESSION_COOKIE, userFromToken } from './request-auth';
import type { User } from './user-repo';

/** The signed-in user for a server component, or undefined. */
export async function getPageUser(): Promise<User | undefined> {
  const store = await cookies();
  return userFromToken(store.get(SESSION_COOKIE)?.value);
}

/**
 * For pages: sends a signed-out visitor to the sign-in page (coming back afterwards) and renders
 * the 403 page for a role without the permission.
 */
export async function requirePageUser(permission: Permission, returnTo?: string): Promise<User> {
  const user = await getPageUser();
  if (!user) {
    redirect(returnTo ? `/sign-in?next=${encodeURIComponent(returnTo)}` : '/sign-in');
  }
  if (!can(user.role, permission)) forbidden();
  return user;
}
