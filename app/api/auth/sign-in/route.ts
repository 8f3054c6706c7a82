import { z } from 'zod';
import { getDb } from '@/db/client';
import { signIn } from '@/lib/auth/account-service';
import { assertSameOrigin, sessionCookie } from '@/lib/auth/request-auth';
import { env } from '@/lib/env';
import { handle, readJson } from '@/lib/http';

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256),
});

export const POST = handle(async (request: Request) => {
  assertSameOrigin(request);
  const credentials = await readJson(request, credentialsSchema);

  const { user, token, expiresAt } = await signIn(getDb(), credentials, env().CURIO_SESSION_DAYS);

  return Response.json(
    { user },
    { headers: { 'Set-Cookie': sessionCookie(request, token, expiresAt) } },
  );
});
