import { hash, verify } from '@node-rs/argon2';

/**
 * Passwords are hashed with argon2id (memory-hard), using the OWASP baseline parameters:
 * 19 MiB of memory, 2 passes, 1 lane. The parameters travel inside the encoded hash, so they can
 * be raised later without invalidating existing accounts.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash must not let anyone in, nor crash the sign-in route.
    return false;
  }
}
