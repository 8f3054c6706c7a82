import fs from 'node:fs';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { addLabels } from '@/lib/collections/collection-repo';
import { createSession } from '@/lib/auth/session-repo';
import { createJob } from '@/lib/jobs/job-repo';
import { proxy } from '@/proxy';
import { apiRequest, params, signedInUser, startTestApp, type TestApp } from '../helpers/app';
import { makeCollection, makeUser } from '../helpers/factories';
import { addStoredItem } from '../helpers/items';
import { ROUTE_RULES, type RouteRule, type Target } from './route-rules';

/**
 * Every route handler on disk, called as each role and as a signed-out visitor, against the rules
 * in route-rules.ts. A route without a rule, or a rule without a route, fails.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const API_DIR = path.join(REPO_ROOT, 'app/api');
const PAGES_DIR = path.join(REPO_ROOT, 'app/(app)');
const HTTP_METHODS = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ROLES: Role[] = ['admin', 'curator', 'reviewer'];
const MISSING_ID = '987654';

type Handler = (
  request: Request,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

function findFiles(dir: string, name: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return findFiles(full, name);
    return entry.name === name ? [full] : [];
  });
}

interface RouteModule {
  route: string;
  handlers: Map<string, Handler>;
}

async function loadRoutes(): Promise<RouteModule[]> {
  const files = findFiles(API_DIR, 'route.ts').sort();
  return Promise.all(
    files.map(async (file) => {
      const route = `/api/${path.relative(API_DIR, path.dirname(file)).split(path.sep).join('/')}`;
      const module = (await import(file)) as Record<string, unknown>;
      const handlers = new Map<string, Handler>();
      for (const method of HTTP_METHODS) {
        if (typeof module[method] === 'function') handlers.set(method, module[method] as Handler);
      }
      return { route, handlers };
    }),
  );
}

interface World {
  users: Record<Role, number>;
  ids: Record<string, string>;
}

let app: TestApp;
let routes: RouteModule[];
let world: World;

beforeAll(async () => {
  app = startTestApp();
  routes = await loadRoutes();

  const users = {} as Record<Role, number>;
  for (const role of ROLES) users[role] = (await signedInUser(app.db, role)).user.id;

  const { collection, labels } = makeCollection(app.db);
  const item = await addStoredItem(app.db, app.dataDir, collection.id);
  const job = createJob(app.db, { kind: 'import', collectionId: collection.id });
  const other = makeUser(app.db, 'reviewer');
  world = {
    users,
    ids: {
      collections: String(collection.id),
      items: String(item.id),
      labels: String(labels[0].id),
      jobs: String(job.id),
      users: String(other.id),
      models: MISSING_ID,
    },
  };
  // A spare label keeps the collection's schema intact should a rule ever delete the first.
  addLabels(app.db, collection.id, [{ name: 'spare' }]);
}, 60_000);

afterAll(() => app.close());

function routeParams(route: string, target: Target): Record<string, string> {
  const segments = route.split('/');
  const values: Record<string, string> = {};
  segments.forEach((segment, index) => {
    if (segment === '[id]') {
      values.id = target === 'missing' ? MISSING_ID : world.ids[segments[index - 1]];
    }
    if (segment === '[format]') values.format = 'csv';
  });
  return values;
}

function requestFor(
  rule: RouteRule,
  options: { cookie?: string; origin?: string } = {},
): { request: Request; context: { params: Promise<Record<string, string>> } } {
  const values = routeParams(rule.route, rule.target ?? 'real');
  const pathName = rule.route.replace(/\[(\w+)\]/g, (_, name: string) => values[name]);
  const url = rule.query ? `${pathName}?${rule.query}` : pathName;
  const sendsBody = rule.method !== 'GET';
  const request = apiRequest(url, {
    method: rule.method,
    cookie: options.cookie,
    body: sendsBody ? (rule.body ?? []) : undefined,
    headers: options.origin ? { origin: options.origin } : {},
  });
  return { request, context: params(values) };
}

/** A fresh session per call: signing out (a public route) ends the session it was sent with. */
function cookieOf(role: Role): string {
  return `curio_session=${createSession(app.db, world.users[role], 1).token}`;
}

async function call(rule: RouteRule, options: { cookie?: string; origin?: string } = {}) {
  const handler = routes.find((r) => r.route === rule.route)?.handlers.get(rule.method);
  if (!handler) throw new Error(`No ${rule.method} handler for ${rule.route}.`);

  const { request, context } = requestFor(rule, options);
  const response = await handler(request, context);
  // Streams (job events, exports) would otherwise stay open after the test has its status.
  await response.body?.cancel().catch(() => undefined);
  return response.status;
}

describe('the route rules', () => {
  it('cover every method of every route handler on disk, and nothing that is gone', () => {
    const onDisk = routes.flatMap(({ route, handlers }) =>
      [...handlers.keys()].map((method) => `${method} ${route}`),
    );
    const ruled = ROUTE_RULES.map((rule) => `${rule.method} ${rule.route}`);

    const withoutRule = onDisk.filter((key) => !ruled.includes(key));
    const withoutRoute = ruled.filter((key) => !onDisk.includes(key));
    expect(withoutRule, 'routes without a rule in tests/app/route-rules.ts').toEqual([]);
    expect(withoutRoute, 'rules for routes that no longer exist').toEqual([]);
    expect(new Set(ruled).size).toBe(ruled.length);
  });
});

describe.each(ROUTE_RULES)('$method $route ($access)', (rule) => {
  it('answers a signed-out visitor with 401, unless the route is public', async () => {
    for (const cookie of [undefined, 'curio_session=forged']) {
      const status = await call(rule, { cookie });
      if (rule.access === 'public') expect([401, 403]).not.toContain(status);
      else expect(status).toBe(401);
    }
  });

  it.each(ROLES)('lets %s through exactly when its role has the permission', async (role) => {
    const status = await call(rule, { cookie: cookieOf(role) });

    const allowed = rule.access === 'public' || can(role, rule.access);
    if (allowed) expect([401, 403], `status ${status}`).not.toContain(status);
    else expect(status).toBe(403);
  });
});

describe.each(ROUTE_RULES.filter((rule) => rule.method !== 'GET'))(
  '$method $route from another site',
  (rule) => {
    it('is refused with 403, even for an admin', async () => {
      const status = await call(rule, {
        cookie: cookieOf('admin'),
        origin: 'https://evil.example',
      });
      expect(status).toBe(403);
    });
  },
);

describe('pages under app/(app)', () => {
  const pages = findFiles(PAGES_DIR, 'page.tsx').map((file) => {
    const dir = path.relative(PAGES_DIR, path.dirname(file)).split(path.sep).join('/');
    const urlPath = `/${dir}`.replace('[slug]', 'demo').replace('[itemId]', '1').replace(/\/$/, '');
    return { file, urlPath: urlPath || '/' };
  });

  it.each(pages)('$urlPath sends a signed-out visitor to sign in', ({ urlPath }) => {
    const response = proxy(new NextRequest(`http://localhost${urlPath}`));

    expect(response.status).toBe(307);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.pathname).toBe('/sign-in');
    expect(location.searchParams.get('next')).toBe(urlPath);
  });

  it.each(pages)('$urlPath checks its own permission on the server', ({ file }) => {
    // The proxy only looks for a cookie; a forged one gets past it, so each page must check.
    expect(fs.readFileSync(file, 'utf8')).toMatch(/requirePageUser\('[a-z-]+:[a-z-]+'/);
  });
});
