import { z } from 'zod';
import type { Db } from '@/db/client';
import { ROLES } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password';
import { createSession, deleteUserSessions } from './session-repo';
import { signInThrottle, type SignInThrottle } from './sign-in-throttle';
import {
  countActiveAdmins,
  countUsers,
  findUserByEmail,
  findUserById,
  insertUser,
  toPublicUser,
  updateUser,
  type PublicUser,
  type User,
} from './user-repo';

/**
 * Accounts: signing in, the one-time setup of the first admin, and what admins may do to other
 * accounts. The rule that matters most: there is always at least one active admin.
 */

const log = createLogger('accounts');

export const MAX_PASSWORD_LENGTH = 256;

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH);

export const newAccountSchema = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
  password: passwordSchema,
});
export type NewAccount = z.infer<typeof newAccountSchema>;

export const accountChangesSchema = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .strict()
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), {
    message: 'Say what to change: name, role, disabled or password.',
  });
export type AccountChanges = z.infer<typeof accountChangesSchema>;

/** One message for every failed sign-in, so that nobody can learn which emails have accounts. */
export const SIGN_IN_FAILED = 'That email and password do not match an active account.';

let dummyHash: Promise<string> | undefined;

/** Verifies against a throwaway hash so an unknown email costs as long as a wrong password. */
async function burnVerification(password: string): Promise<void> {
  dummyHash ??= hashPassword('curio-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}

export interface SignedIn {
  user: PublicUser;
  token: string;
  expiresAt: number;
}

/**
 * Checks a password and opens a session. Too many recent failures for the email or from the
 * client's address are refused (SignInRateLimited, 429) before any password is verified.
 */
export async function signIn(
  db: Db,
  credentials: { email: string; password: string },
  sessionDays: number,
  clientAddress = 'unknown',
  throttle: SignInThrottle = signInThrottle,
): Promise<SignedIn> {
  const attempt = { email: credentials.email, address: clientAddress };
  throttle.begin(attempt);

  const user = findUserByEmail(db, credentials.email);
  if (!user) {
    await burnVerification(credentials.password);
    throw new AppError('unauthenticated', SIGN_IN_FAILED);
  }

  const matches = await verifyPassword(user.passwordHash, credentials.password);
  if (!matches || user.disabledAt !== null) {
    log.info('A sign-in failed.', { userId: user.id, disabled: user.disabledAt !== null });
    throw new AppError('unauthenticated', SIGN_IN_FAILED);
  }

  throttle.succeeded(attempt);
  const session = createSession(db, user.id, sessionDays);
  return { user: toPublicUser(user), ...session };
}

export function isSetupOpen(db: Db): boolean {
  return countUsers(db) === 0;
}

/** Creates the first admin; refused once any account exists. */
export async function setUpFirstAdmin(
  db: Db,
  input: Omit<NewAccount, 'role'>,
  sessionDays: number,
): Promise<SignedIn> {
  const passwordHash = await hashPassword(input.password);

  // The check and the insert share one synchronous transaction, so two racing setups cannot both
  // create an admin.
  const user = db.transaction(() => {
    if (!isSetupOpen(db)) {
      throw new AppError('conflict', 'Curio is already set up; sign in with an existing account.');
    }
    return insertUser(db, { email: input.email, name: input.name, role: 'admin', passwordHash });
  });

  log.info('The first admin account was created.', { userId: user.id });
  const session = createSession(db, user.id, sessionDays);
  return { user: toPublicUser(user), ...session };
}

export async function createAccount(db: Db, input: NewAccount): Promise<PublicUser> {
  if (findUserByEmail(db, input.email)) {
    throw new AppError('conflict', `An account for ${input.email} already exists.`);
  }

  const passwordHash = await hashPassword(input.password);
  const user = insertUser(db, { ...input, passwordHash });
  log.info('An account was created.', { userId: user.id, role: user.role });
  return toPublicUser(user);
}

function losesAdmin(user: User, changes: AccountChanges): boolean {
  const isActiveAdmin = user.role === 'admin' && user.disabledAt === null;
  const demoted = changes.role !== undefined && changes.role !== 'admin';
  return isActiveAdmin && (demoted || changes.disabled === true);
}

/** Applies an admin's changes to an account; disabling or a new password ends its sessions. */
export async function changeAccount(
  db: Db,
  actorId: number,
  userId: number,
  changes: AccountChanges,
): Promise<PublicUser> {
  // Disabling yourself would sign you out mid-task with no way back in but another admin.
  if (actorId === userId && changes.disabled === true) {
    throw new AppError('conflict', 'You cannot disable your own account; ask another admin.');
  }
  const passwordHash = changes.password ? await hashPassword(changes.password) : undefined;

  const updated = db.transaction(() => {
    const user = findUserById(db, userId);
    if (!user) throw new AppError('not_found', `User ${userId} was not found.`);

    if (losesAdmin(user, changes) && countActiveAdmins(db) <= 1) {
      throw new AppError(
        'conflict',
        `${user.name} is the last active admin; make another account an admin first.`,
      );
    }

    const disabledAt = disabledAtFor(user, changes.disabled);
    return updateUser(db, userId, {
      name: changes.name,
      role: changes.role,
      passwordHash,
      disabledAt,
    });
  });
  if (!updated) throw new AppError('not_found', `User ${userId} was not found.`);

  if (changes.disabled === true || passwordHash !== undefined) deleteUserSessions(db, userId);
  log.info('An account was changed.', {
    userId,
    role: changes.role,
    disabled: changes.disabled,
    passwordReset: passwordHash !== undefined,
  });
  return toPublicUser(updated);
}

function disabledAtFor(user: User, disabled: boolean | undefined): number | null | undefined {
  if (disabled === undefined) return undefined;
  if (!disabled) return null;
  return user.disabledAt ?? Date.now();
}
