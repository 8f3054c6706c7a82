import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { RunningServer } from './server';

/**
 * Setting up a running server over its own HTTP API, as an admin would: sign in, create a
 * collection with labels, import a folder of generated images, add accounts. Used by the annotate
 * end-to-end test and the annotate-save benchmark.
 */

export interface Account {
  email: string;
  password: string;
}

/** Writes `count` distinct small PNGs (a colour and a bar per image) into `dir`. */
export async function writeGeneratedImages(dir: string, count: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (let index = 0; index < count; index++) {
    const hue = (index * 47) % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240">
      <rect width="320" height="240" fill="hsl(${hue},55%,62%)"/>
      <rect x="${(index * 13) % 260}" y="40" width="60" height="160" fill="hsl(${(hue + 180) % 360},45%,30%)"/>
    </svg>`;
    const file = path.join(dir, `generated-${String(index + 1).padStart(3, '0')}.png`);
    await sharp(Buffer.from(svg)).png().toFile(file);
  }
}

async function call<T>(
  server: RunningServer,
  pathName: string,
  options: { method?: string; cookie?: string; body?: unknown } = {},
): Promise<{ body: T; response: Response }> {
  const response = await fetch(`${server.baseUrl}${pathName}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const body = (await response.json()) as T;
  if (!response.ok) {
    throw new Error(`${options.method ?? 'GET'} ${pathName} failed: ${JSON.stringify(body)}`);
  }
  return { body, response };
}

export { call as apiCall };

/** Signs in over the API; returns the Cookie header value of the new session. */
export async function signInCookie(server: RunningServer, account: Account): Promise<string> {
  const { response } = await call(server, '/api/auth/sign-in', {
    method: 'POST',
    body: account,
  });
  const setCookie = response.headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0];
}

export async function createAccount(
  server: RunningServer,
  adminCookie: string,
  account: Account & { name: string; role: 'admin' | 'curator' | 'reviewer' },
): Promise<number> {
  const { body } = await call<{ user: { id: number } }>(server, '/api/users', {
    method: 'POST',
    cookie: adminCookie,
    body: account,
  });
  return body.user.id;
}

export interface CreatedCollection {
  id: number;
  slug: string;
  labels: { id: number; name: string; hotkey: string | null }[];
}

/** Creates a collection and imports the folder (inside CURIO_IMPORT_ROOTS) into it, unlabeled. */
export async function createCollectionFromFolder(
  server: RunningServer,
  adminCookie: string,
  input: { name: string; mode: 'single' | 'multi'; labels: string[]; folder: string },
): Promise<CreatedCollection> {
  const { body: created } = await call<{ collection: { id: number; slug: string } }>(
    server,
    '/api/collections',
    {
      method: 'POST',
      cookie: adminCookie,
      body: { name: input.name, annotationMode: input.mode, labels: input.labels },
    },
  );
  const id = created.collection.id;
  const { body: started } = await call<{ job: { id: number } }>(
    server,
    `/api/collections/${id}/imports/folder`,
    { method: 'POST', cookie: adminCookie, body: { path: input.folder } },
  );

  const deadline = Date.now() + 120_000;
  for (;;) {
    const { body } = await call<{ job: { state: string; error: string | null } }>(
      server,
      `/api/jobs/${started.job.id}`,
      { cookie: adminCookie },
    );
    if (body.job.state === 'succeeded') break;
    if (body.job.state === 'failed' || body.job.state === 'cancelled' || Date.now() > deadline) {
      throw new Error(`The import ended as ${body.job.state}: ${body.job.error ?? 'no error'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const { body: detail } = await call<{ labels: CreatedCollection['labels'] }>(
    server,
    `/api/collections/${id}`,
    { cookie: adminCookie },
  );
  return { id, slug: created.collection.slug, labels: detail.labels };
}
