import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, getDb, type Db } from '@/db/client';
import type { Role } from '@/db/schema';
import { hashPassword } from '@/lib/auth/password';
import { createSession } from '@/lib/auth/session-repo';
import { insertUser, type User } from '@/lib/auth/user-repo';
import { resetEnvForTests } from '@/lib/env';

/**
 * For route tests: points CURIO_DATA_DIR at a fresh temporary folder so that the handlers'
 * getDb() opens a real, migrated SQLite file there, and builds signed-in requests.
 */

export const ORIGIN = 'http://localhost';
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApp {
  db: Db;
  dataDir: string;
  close(): void;
}

export function startTestApp(): TestApp {
  closeDb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-app-test-'));
  process.env.CURIO_DATA_DIR = dataDir;
  resetEnvForTests();

  return {
    db: getDb(),
    dataDir,
    close() {
      closeDb();
      fs.rmSync(dataDir, { recursive: true, force: true });
      delete process.env.CURIO_DATA_DIR;
      resetEnvForTests();
    },
  };
}

let userCounter = 0;

/** Creates an account with this role and a live session; returns it with its Cookie header. */
export async function signedInUser(
  db: Db,
  role: Role,
  password = TEST_PASSWORD,
): Promise<{ user: User; cookie: string }> {
  userCounter += 1;
  const user = insertUser(db, {
    email: `${role}-${userCounter}@example.org`,
    name: `${role[0].toUpperCase()}${role.slice(1)} ${userCounter}`,
    role,
    passwordHash: await hashPassword(password),
  });
  const { token } = createSession(db, user.id, 14);
  return { user, cookie: `curio_session=${token}` };
}

/** A same-origin request, as the app's own pages send it. */
export function apiRequest(
  pathName: string,
  options: {
    method?: string;
    cookie?: string;
    body?: unknown;
    headers?: Record<string, string>;
  } = {},
): Request {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && !headers.origin) headers.origin = ORIGIN;
  headers.host ??= 'localhost';

  return new Request(`${ORIGIN}${pathName}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

export function params<T extends Record<string, string>>(value: T): { params: Promise<T> } {
  return { params: Promise.resolve(value) };
}

export async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}
