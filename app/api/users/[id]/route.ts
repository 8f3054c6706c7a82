import { getDb } from '@/db/client';
import { accountChangesSchema, changeAccount } from '@/lib/auth/account-service';
import { requirePermission } from '@/lib/auth/request-auth';
import { handle, idParam, readJson } from '@/lib/http';

/** Rename, change role, disable/enable or reset the password of an account. */
export const PATCH = handle(
  async (request: Request, context: { params: Promise<{ id: string }> }) => {
    const admin = requirePermission(request, 'user:manage');
    const userId = idParam((await context.params).id, 'user');
    const changes = await readJson(request, accountChangesSchema);

    const user = await changeAccount(getDb(), admin.id, userId, changes);

    return Response.json({ user });
  },
);
