import { z } from 'zod';
import { getDb } from '@/db/client';
import { signIn } from '@/lib/auth/account-service';
import { assertSameOrigin, sessionCookie } from '@/lib/auth/request-auth';
import { clientAddress, rateLimitedResponse, SignInRateLimited } from '@/lib/auth/sign-in-throttle';
import { env } from '@/lib/env';
import { handle, readJson } from '@/lib/http';

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256),
});

export const POST = handle(async (request: Request) => {
  assertSameOrigin(request);
  const credentials = await readJson(request, credentialsSchema);

  try {
    const { user, token, expiresAt } = await signIn(
      getDb(),
      credentials,
      env().CURIO_SESSION_DAYS,
      clientAddress(request),
    );
    return Response.json(
      { user },
      { headers: { 'Set-Cookie': sessionCookie(request, token, expiresAt) } },
    );
  } catch (error) {
    if (error instanceof SignInRateLimited) return rateLimitedResponse(error);
    throw error;
  }
});
