import { z } from 'zod';
import type { Db } from '@/db/client';
import { found } from '@/lib/errors';
import { findUserById, updateUser } from './user-repo';

/** A user's own preferences; each field is optional so a client changes one at a time. */
export const userSettingsSchema = z.object({ hideSuggestions: z.boolean().optional() }).strict();
export type UserSettings = z.infer<typeof userSettingsSchema>;

export function changeUserSettings(db: Db, userId: number, changes: UserSettings): UserSettings {
  const user = found(findUserById(db, userId), `User ${userId}`);
  const settings = { ...user.settings, ...changes };
  updateUser(db, userId, { settings });
  return settings;
}
