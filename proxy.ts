import { NextResponse, type NextRequest } from 'next/server';

/**
 * An optimistic shortcut only: a page request without any session cookie goes straight to the
 * sign-in page. Whether a cookie is valid is decided on the server by every page
 * (requirePageUser) and route handler (requirePermission), never here.
 */

const SESSION_COOKIE = 'curio_session';

export function proxy(request: NextRequest) {
  if (request.cookies.has(SESSION_COOKIE)) return NextResponse.next();

  const { pathname, search } = request.nextUrl;
  const signIn = new URL('/sign-in', request.url);
  signIn.searchParams.set('next', `${pathname}${search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  // Pages only: the API answers 401 itself, and sign-in, setup and assets must stay reachable.
  matcher: ['/((?!api|_next|sign-in|setup|favicon.ico|.*\\.[a-z0-9]+$).*)'],
};
