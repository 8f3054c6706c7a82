import { getDb } from '@/db/client';
import { newAccountSchema, setUpFirstAdmin } from '@/lib/auth/account-service';
import { assertSameOrigin, sessionCookie } from '@/lib/auth/request-auth';
import { env } from '@/lib/env';
import { handle, readJson } from '@/lib/http';

const setupSchema = newAccountSchema.omit({ role: true });

/** Creates the first admin while Curio has no accounts; a 409 afterwards. */
export const POST = handle(async (request: Request) => {
  assertSameOrigin(request);
  const input = await readJson(request, setupSchema);

  const { user, token, expiresAt } = await setUpFirstAdmin(
    getDb(),
    input,
    env().CURIO_SESSION_DAYS,
  );

  return Response.json(
    { user },
    { status: 201, headers: { 'Set-Cookie': sessionCookie(request, token, expiresAt) } },
  );
});
