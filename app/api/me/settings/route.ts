import { getDb } from '@/db/client';
import { requirePermission } from '@/lib/auth/request-auth';
import { changeUserSettings, userSettingsSchema } from '@/lib/auth/user-settings';
import { handle, readJson } from '@/lib/http';

/** The signed-in user's own preferences (every role may change its own). */
export const PATCH = handle(async (request: Request) => {
  const user = requirePermission(request, 'collection:read');
  const changes = await readJson(request, userSettingsSchema);

  const settings = changeUserSettings(getDb(), user.id, changes);

  return Response.json({ settings });
});
