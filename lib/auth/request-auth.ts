import { getDb, type Db } from '@/db/client';
import { AppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { can, type Permission } from './permissions';
import { findSessionUser } from './session-repo';
import type { User } from './user-repo';

/**
 * Authentication and authorisation for route handlers. Deny by default: a handler asks for a
 * permission and gets the user back, or an AppError (401 signed out, 403 wrong role) is thrown.
 */

export const SESSION_COOKIE = 'curio_session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;

  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function userFromToken(token: string | undefined, db: Db = getDb()): User | undefined {
  if (!token) return undefined;
  return findSessionUser(db, token, env().CURIO_SESSION_DAYS);
}

export function authenticate(request: Request, db: Db = getDb()): User | undefined {
  return userFromToken(readCookie(request.headers.get('cookie'), SESSION_COOKIE), db);
}

/**
 * Rejects state-changing requests sent by another site. Browsers always send Origin on
 * cross-site POSTs; SameSite=Lax cookies are the first line, this check the second.
 */
export function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;

  const origin = request.headers.get('origin');
  if (!origin) return;

  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError('forbidden', 'The request came from an unreadable origin and was refused.');
  }
  if (host && originHost !== host) {
    throw new AppError('forbidden', `Requests from ${origin} may not change data in Curio.`);
  }
}

export function requirePermission(
  request: Request,
  permission: Permission,
  db: Db = getDb(),
): User {
  assertSameOrigin(request);

  const user = authenticate(request, db);
  if (!user) throw new AppError('unauthenticated', 'Sign in to continue.');
  if (!can(user.role, permission)) {
    throw new AppError('forbidden', `Your role (${user.role}) may not do this (${permission}).`);
  }
  return user;
}

function isHttps(request: Request): boolean {
  const forwarded = request.headers.get('x-forwarded-proto');
  if (forwarded) return forwarded.split(',')[0].trim() === 'https';
  return new URL(request.url).protocol === 'https:';
}

/** The Set-Cookie value for a new session: HttpOnly, SameSite=Lax, Secure behind HTTPS. */
export function sessionCookie(request: Request, token: string, expiresAt: number): string {
  const mode = env().CURIO_SECURE_COOKIES;
  const secure = mode === 'always' || (mode === 'auto' && isHttps(request));
  const parts = [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${new Date(expiresAt).toUTCString()}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}
