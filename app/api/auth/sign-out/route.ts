import { getDb } from '@/db/client';
import { deleteSession } from '@/lib/auth/session-repo';
import {
  assertSameOrigin,
  clearedSessionCookie,
  readCookie,
  SESSION_COOKIE,
} from '@/lib/auth/request-auth';
import { handle } from '@/lib/http';

/** Ends the session on the server (not only in the browser) and clears the cookie. */
export const POST = handle(async (request: Request) => {
  assertSameOrigin(request);

  const token = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
  if (token) deleteSession(getDb(), token);

  return Response.json({ signedOut: true }, { headers: { 'Set-Cookie': clearedSessionCookie() } });
});
