import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as signIn } from '@/app/api/auth/sign-in/route';
import { POST as createCollection } from '@/app/api/collections/route';
import { PATCH as patchCollection } from '@/app/api/collections/[id]/route';
import { POST as importCsv } from '@/app/api/collections/[id]/imports/csv/route';
import { POST as importFolder } from '@/app/api/collections/[id]/imports/folder/route';
import { POST as importIiif } from '@/app/api/collections/[id]/imports/iiif/route';
import { POST as importUpload } from '@/app/api/collections/[id]/imports/upload/route';
import { POST as importZip } from '@/app/api/collections/[id]/imports/zip/route';
import { POST as saveAnnotation } from '@/app/api/items/[id]/annotations/route';
import { GET as getItem } from '@/app/api/items/[id]/route';
import { resetEnvForTests } from '@/lib/env';
import { signInThrottle } from '@/lib/auth/sign-in-throttle';
import { safeFetch } from '@/lib/import/safe-fetch';
import { FINISHED_STATES, getJob } from '@/lib/jobs/job-repo';
import {
  apiRequest,
  ORIGIN,
  params,
  signedInUser,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../helpers/app';
import { makeCollection } from '../helpers/factories';
import { startHttpServer, type TestHttpServer } from '../helpers/http-server';
import { makeTruncatedJpeg } from '../helpers/images';
import { addStoredItem, makeImage } from '../helpers/items';
import { makeZip, understateSize } from '../helpers/zips';

/**
 * A corpus of hostile and broken input, sent through the real route handlers (and, where a route
 * hands work to a background job, through that job to its end). Each case names the status and
 * the words its message must contain, and checks that no item, annotation or stored file was
 * added or lost.
 */

let app: TestApp;
let admin: string;
let collectionId: number;
let itemId: number;
let importRoot: string;
let outside: string;
let server: TestHttpServer;

function pngWithDeclaredSize(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

interface Snapshot {
  items: number;
  annotations: number;
  files: number;
}

function countFiles(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
    .length;
}

function snapshot(): Snapshot {
  const count = (table: string) =>
    (app.db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    items: count('items'),
    annotations: count('annotations'),
    files: countFiles(path.join(app.dataDir, 'items')),
  };
}

/** What a case produced: the HTTP status and the message a person would read. */
interface Outcome {
  status: number;
  message: string;
}

async function outcomeOf(response: Response): Promise<Outcome> {
  const body = (await response.json()) as {
    error?: { message: string };
    report?: { failures: { reason: string }[] };
    job?: { id: number };
  };
  if (body.error) return { status: response.status, message: body.error.message };
  if (body.report) {
    return {
      status: response.status,
      message: body.report.failures.map((f) => f.reason).join(' | '),
    };
  }
  if (body.job) return { status: response.status, message: await jobMessage(body.job.id) };
  return { status: response.status, message: JSON.stringify(body) };
}

/** Waits for a background import job and returns its error or the reasons it reported. */
async function jobMessage(jobId: number): Promise<string> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const job = getJob(app.db, jobId);
    if (job && FINISHED_STATES.includes(job.state)) {
      return `${job.state}: ${job.error ?? ''} ${JSON.stringify(job.result ?? {})}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Job ${jobId} did not finish.`);
}

function post(
  handler: (r: Request, c: { params: Promise<{ id: string }> }) => Promise<Response>,
  pathName: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return async () =>
    outcomeOf(
      await handler(
        apiRequest(pathName, { method: 'POST', cookie: admin, body, headers }),
        params({ id: String(collectionId) }),
      ),
    );
}

function rawPost(
  handler: (r: Request, c: { params: Promise<{ id: string }> }) => Promise<Response>,
  pathName: string,
  body: BodyInit,
  headers: Record<string, string> = {},
  id = () => String(collectionId),
) {
  return async () =>
    outcomeOf(
      await handler(
        new Request(`${ORIGIN}${pathName}`, {
          method: 'POST',
          headers: { cookie: admin, origin: ORIGIN, host: 'localhost', ...headers },
          body,
        }),
        params({ id: id() }),
      ),
    );
}

function upload(name: string, bytes: () => Promise<Buffer> | Buffer) {
  return async () => {
    const form = new FormData();
    form.append('files', new File([new Uint8Array(await bytes())], name));
    return rawPost(importUpload, `/api/collections/${collectionId}/imports/upload`, form)();
  };
}

function zipUpload(entries: () => Promise<Buffer> | Buffer) {
  return async () =>
    rawPost(
      importZip,
      `/api/collections/${collectionId}/imports/zip?name=bad.zip`,
      new Uint8Array(await entries()),
    )();
}

function csvUpload(csv: string) {
  return async () => {
    const form = new FormData();
    form.append('csv', new File([csv], 'items.csv', { type: 'text/csv' }));
    return rawPost(importCsv, `/api/collections/${collectionId}/imports/csv`, form)();
  };
}

const iiif = (url: string) => () =>
  post(importIiif, `/api/collections/${collectionId}/imports/iiif`, { url })();
const folder = (folderPath: () => string) => () =>
  post(importFolder, `/api/collections/${collectionId}/imports/folder`, { path: folderPath() })();

interface BadInput {
  name: string;
  run: () => Promise<Outcome>;
  status: number;
  message: RegExp;
  /** Cases that reach the local test server must be allowed to fetch from 127.0.0.1. */
  allowPrivateFetch?: boolean;
}

const cases: BadInput[] = [
  // JSON bodies
  {
    name: 'malformed JSON',
    run: rawPost(createCollection, '/api/collections', '{"name": "A",', {
      'content-type': 'application/json',
    }),
    status: 400,
    message: /not valid JSON/,
  },
  {
    name: 'a JSON body over 1 MiB, declared',
    run: rawPost(createCollection, '/api/collections', 'x', {
      'content-type': 'application/json',
      'content-length': String(2 * 1024 * 1024),
    }),
    status: 413,
    message: /larger than 1048576 bytes/,
  },
  {
    name: 'a JSON body over 1 MiB, undeclared',
    run: rawPost(
      createCollection,
      '/api/collections',
      JSON.stringify({ name: 'A', description: 'x'.repeat(1_100_000) }),
      { 'content-type': 'application/json' },
    ),
    status: 413,
    message: /larger than 1048576 bytes/,
  },
  {
    name: 'a JSON route sent a form',
    run: rawPost(createCollection, '/api/collections', 'name=A', {
      'content-type': 'application/x-www-form-urlencoded',
    }),
    status: 415,
    message: /as JSON .*not application\/x-www-form-urlencoded/,
  },
  {
    name: 'a JSON route sent text/plain',
    run: rawPost(createCollection, '/api/collections', '{"name":"A"}', {
      'content-type': 'text/plain',
    }),
    status: 415,
    message: /not text\/plain/,
  },
  {
    name: 'a JSON array where an object belongs',
    run: post(createCollection, '/api/collections', []),
    status: 422,
    message: /request body is invalid/,
  },
  {
    name: 'a collection name of the wrong type',
    run: post(createCollection, '/api/collections', { name: 42, annotationMode: 'single' }),
    status: 422,
    message: /name/,
  },
  {
    name: 'an id that is not a number',
    run: async () =>
      outcomeOf(
        await getItem(apiRequest('/api/items/abc', { cookie: admin }), params({ id: 'abc' })),
      ),
    status: 400,
    message: /item id "abc" is not a number/,
  },
  {
    name: 'an unknown label id in an annotation',
    run: async () =>
      outcomeOf(
        await saveAnnotation(
          apiRequest(`/api/items/${itemId}/annotations`, {
            method: 'POST',
            cookie: admin,
            body: { labelIds: [987654] },
          }),
          params({ id: String(itemId) }),
        ),
      ),
    status: 422,
    message: /987654/,
  },
  {
    name: 'a PATCH to a collection from another site',
    run: async () =>
      outcomeOf(
        await patchCollection(
          apiRequest(`/api/collections/${collectionId}`, {
            method: 'PATCH',
            cookie: admin,
            body: { name: 'Taken over' },
            headers: { origin: 'https://evil.example' },
          }),
          params({ id: String(collectionId) }),
        ),
      ),
    status: 403,
    message: /https:\/\/evil\.example may not change data/,
  },

  // Images
  {
    name: 'a truncated JPEG',
    run: upload('cut.jpg', () => makeTruncatedJpeg(3)),
    status: 200,
    message: /truncated JPEG/,
  },
  {
    name: 'random bytes named .png',
    run: upload('noise.png', () => Buffer.from('this is not a PNG at all, only text')),
    status: 200,
    message: /not an image/,
  },
  {
    name: 'an empty file',
    run: upload('empty.jpg', () => Buffer.alloc(0)),
    status: 200,
    message: /empty file/,
  },
  {
    name: 'a PNG declaring 100,000 × 100,000 pixels (decompression bomb)',
    run: upload('bomb.png', () => pngWithDeclaredSize(100_000, 100_000)),
    status: 200,
    message: /larger than 100 megapixels \(100000×100000\)/,
  },
  {
    name: 'a PNG overwritten after its first bytes',
    run: upload('broken.png', async () => {
      const png = await makeImage({ width: 40, height: 40, seed: 9 });
      const broken = Buffer.from(png);
      broken.fill(0x41, 60, broken.length - 20);
      return broken;
    }),
    status: 200,
    message: /not an image \(or not a format Curio reads\)/,
  },
  {
    name: 'an SVG with a script',
    run: upload('logo.svg', () =>
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ),
    status: 200,
    message: /not an image/,
  },
  {
    name: 'an upload sent as JSON instead of a form',
    run: post(importUpload, '/api/collections/{id}/imports/upload', { files: [] }),
    status: 400,
    message: /multipart\/form-data/,
  },

  // Zip archives
  {
    name: 'a zip entry escaping with ../ (zip slip)',
    run: zipUpload(async () => makeZip([{ name: '../../escaped.png', data: await makeImage() }])),
    status: 202,
    message: /escaped\.png.*path leads out of the archive/,
  },
  {
    name: 'a zip entry with an absolute path',
    run: zipUpload(async () => makeZip([{ name: '/tmp/absolute.png', data: await makeImage() }])),
    status: 202,
    message: /absolute\.png.*absolute path; refused/,
  },
  {
    name: 'a zip bomb understating its inflated size',
    run: zipUpload(async () =>
      understateSize(
        await makeZip([{ name: 'zeros.png', data: Buffer.alloc(80 * 1024 * 1024) }]),
        'zeros.png',
        100,
      ),
    ),
    status: 202,
    message: /zeros\.png.*too many bytes in the stream/,
  },
  {
    name: 'a file that is not a zip',
    run: zipUpload(() => Buffer.from('PK but not really a zip archive')),
    status: 202,
    message: /failed: The upload is not a readable zip archive/,
  },

  // Server folders
  {
    name: 'a folder outside the import roots',
    run: folder(() => outside),
    status: 403,
    message: /outside the folders open for import/,
  },
  {
    name: 'a ../ path out of the import root',
    run: folder(() => '../'),
    status: 403,
    message: /outside the folders open for import/,
  },
  {
    name: 'a symbolic link inside the root pointing out of it',
    run: folder(() => 'link-out'),
    status: 403,
    message: /outside the folders open for import/,
  },
  {
    name: 'a folder that does not exist',
    run: folder(() => 'no-such-folder'),
    status: 422,
    message: /does not exist/,
  },

  // IIIF fetch policy
  { name: 'a file: URL', run: iiif('file:///etc/passwd'), status: 422, message: /http\(s\) URL/ },
  {
    name: 'an ftp: URL',
    run: iiif('ftp://example.org/manifest'),
    status: 422,
    message: /http\(s\)/,
  },
  {
    name: 'a data: URL',
    run: iiif('data:application/json,{}'),
    status: 422,
    message: /http\(s\) URL/,
  },
  {
    name: 'a manifest on 127.0.0.1',
    run: () => iiif(`${server.origin}/manifest.json`)(),
    status: 202,
    message: /failed: .*127\.0\.0\.1 is a private or local address/,
  },
  {
    name: 'a manifest on localhost',
    run: () => iiif(`http://localhost:${new URL(server.origin).port}/manifest.json`)(),
    status: 202,
    message: /failed: .*localhost resolves to the private or local address 127\.0\.0\.1/,
  },
  {
    name: 'a manifest on [::1]',
    run: iiif('http://[::1]:9/manifest.json'),
    status: 202,
    message: /failed: .*::1 is a private or local address/,
  },
  {
    name: 'a manifest on 10.0.0.1',
    run: iiif('http://10.0.0.1/manifest.json'),
    status: 202,
    message: /failed: .*10\.0\.0\.1 is a private or local address/,
  },
  {
    name: 'the cloud metadata address 169.254.169.254',
    run: iiif('http://169.254.169.254/latest/meta-data/'),
    status: 202,
    message: /failed: .*169\.254\.169\.254 is a private or local address/,
  },
  {
    name: 'a URL with credentials',
    run: iiif('https://user:secret@example.org/manifest.json'),
    status: 202,
    message: /failed: .*credentials/,
  },
  {
    name: 'endless redirects',
    run: () => iiif(`${server.origin}/loop`)(),
    status: 202,
    message: /redirected more than 5 times/,
    allowPrivateFetch: true,
  },
  {
    name: 'a manifest that is not JSON',
    run: () => iiif(`${server.origin}/not-json`)(),
    status: 202,
    message: /failed: .*did not return JSON/,
    allowPrivateFetch: true,
  },
  {
    name: 'JSON that is not a IIIF manifest',
    run: () => iiif(`${server.origin}/not-iiif`)(),
    status: 202,
    message: /failed: .*is neither a IIIF Manifest nor a Collection/,
    allowPrivateFetch: true,
  },
  {
    name: 'an IPv4-mapped IPv6 loopback address',
    run: iiif('http://[::ffff:127.0.0.1]:9/manifest.json'),
    status: 202,
    message: /failed: .*::ffff:7f00:1 is a private or local address/,
  },

  // CSVs
  {
    name: 'a CSV with an unclosed quote',
    run: csvUpload('dcterms:identifier,title\n"abc,Broken\n'),
    status: 202,
    message: /failed: The CSV could not be read .*Quote Not Closed/,
  },
  {
    name: 'a CSV without an identifier column',
    run: csvUpload('name,colour\nA,red\n'),
    status: 202,
    message: /failed: The CSV has no dcterms:identifier column/,
  },
  {
    name: 'a CSV import sent as JSON',
    run: post(importCsv, '/api/collections/{id}/imports/csv', { csv: 'a,b' }),
    status: 400,
    message: /multipart\/form-data field "csv"/,
  },
];

beforeAll(async () => {
  importRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-roots-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.png'), await makeImage());
  fs.symlinkSync(outside, path.join(importRoot, 'link-out'));
  process.env.CURIO_IMPORT_ROOTS = importRoot;

  app = startTestApp();
  admin = (await signedInUser(app.db, 'admin')).cookie;
  const { collection } = makeCollection(app.db);
  collectionId = collection.id;
  itemId = (await addStoredItem(app.db, app.dataDir, collectionId)).id;

  server = await startHttpServer();
  server.route('/manifest.json', (_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  server.route('/loop', (_, res) => res.writeHead(302, { location: '/loop' }).end());
  server.route('/not-json', (_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('<html>nope</html>');
  });
  server.route('/not-iiif', (_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"hello": "world"}');
  });
  server.route('/slow', () => undefined);
  server.route('/huge', (_, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(Buffer.alloc(2 * 1024 * 1024, 0x20));
  });
}, 60_000);

afterAll(async () => {
  await server.close();
  app.close();
  delete process.env.CURIO_IMPORT_ROOTS;
  delete process.env.CURIO_ALLOW_PRIVATE_FETCH;
  resetEnvForTests();
  fs.rmSync(importRoot, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

function allowPrivateFetch(allow: boolean): void {
  if (allow) process.env.CURIO_ALLOW_PRIVATE_FETCH = 'true';
  else delete process.env.CURIO_ALLOW_PRIVATE_FETCH;
  resetEnvForTests();
}

describe('bad input', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)(
    '$name → $status, with a message that says what is wrong, storing nothing',
    async ({ run, status, message, allowPrivateFetch: allow }) => {
      allowPrivateFetch(allow ?? false);
      const before = snapshot();

      const outcome = await run();

      expect(outcome.status).toBe(status);
      expect(outcome.message).toMatch(message);
      expect(snapshot()).toEqual(before);
      expect(fs.existsSync(path.join(app.dataDir, '..', 'escaped.png'))).toBe(false);
      expect(fs.existsSync('/tmp/absolute.png')).toBe(false);
    },
    30_000,
  );
});

describe('fetching for imports', () => {
  it('gives up on a server that does not answer in time', async () => {
    const result = await safeFetch(`${server.origin}/slow`, { allowPrivate: true, timeoutMs: 300 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/slow/);
  });

  it('stops reading a response over the size limit', async () => {
    const result = await safeFetch(`${server.origin}/huge`, {
      allowPrivate: true,
      maxBytes: 1024 * 1024,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/huge sent more than/);
  });
});

describe('repeated failed sign-ins', () => {
  it('are refused with 429 and Retry-After once the email has used up its attempts', async () => {
    signInThrottle.clear();
    const { user } = await signedInUser(app.db, 'curator');
    const attempt = (password: string) =>
      signIn(
        apiRequest('/api/auth/sign-in', {
          method: 'POST',
          body: { email: user.email, password },
          headers: { 'x-forwarded-for': '198.51.100.20' },
        }),
      );

    for (let i = 0; i < 5; i += 1) expect((await attempt(`guess ${i}`)).status).toBe(401);
    const refused = await attempt(TEST_PASSWORD);

    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(
      /Too many failed sign-ins; try again in 15 minutes/,
    );
    signInThrottle.clear();
  });

  it('starts counting again after a successful sign-in', async () => {
    signInThrottle.clear();
    const { user } = await signedInUser(app.db, 'curator');
    const attempt = (password: string) =>
      signIn(
        apiRequest('/api/auth/sign-in', {
          method: 'POST',
          body: { email: user.email, password },
        }),
      );

    for (let i = 0; i < 4; i += 1) await attempt(`guess ${i}`);
    expect((await attempt(TEST_PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i += 1) expect((await attempt(`again ${i}`)).status).toBe(401);
    signInThrottle.clear();
  });
});
