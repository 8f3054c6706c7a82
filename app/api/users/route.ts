import { getDb } from '@/db/client';
import { createAccount, newAccountSchema } from '@/lib/auth/account-service';
import { requirePermission } from '@/lib/auth/request-auth';
import { listUsers } from '@/lib/auth/user-repo';
import { handle, readJson } from '@/lib/http';

export const GET = handle(async (request: Request) => {
  requirePermission(request, 'user:manage');

  return Response.json({ users: listUsers(getDb()) });
});

export const POST = handle(async (request: Request) => {
  requirePermission(request, 'user:manage');
  const input = await readJson(request, newAccountSchema);

  const user = await createAccount(getDb(), input);

  return Response.json({ user }, { status: 201 });
});
