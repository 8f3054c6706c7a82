import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as listItems } from '@/app/api/collections/[id]/items/route';
import { POST as addLabels } from '@/app/api/collections/[id]/labels/route';
import { GET as getCollection, PATCH as patchCollection } from '@/app/api/collections/[id]/route';
import { GET as listCollections, POST as createCollection } from '@/app/api/collections/route';
import { GET as getImage } from '@/app/api/items/[id]/image/route';
import { GET as getItem } from '@/app/api/items/[id]/route';
import { GET as getThumbnail } from '@/app/api/items/[id]/thumbnail/route';
import { DELETE as deleteLabel, PATCH as patchLabel } from '@/app/api/labels/[id]/route';
import { PATCH as patchUser } from '@/app/api/users/[id]/route';
import { GET as listUsers, POST as createUser } from '@/app/api/users/route';
import { apiRequest, errorOf, params, startTestApp, type TestApp } from '../../helpers/app';

let app: TestApp;
beforeAll(() => {
  app = startTestApp();
});
afterAll(() => app.close());

type Handler = (
  request: Request,
  context: { params: Promise<{ id: string }> },
) => Promise<Response>;

// Every handler that needs a session; an expired or forged cookie counts as none.
const protectedRoutes: [string, string, Handler, unknown?][] = [
  ['GET', '/api/collections', listCollections],
  ['POST', '/api/collections', createCollection, { name: 'X', annotationMode: 'single' }],
  ['GET', '/api/collections/1', getCollection],
  ['PATCH', '/api/collections/1', patchCollection, { name: 'Y' }],
  ['POST', '/api/collections/1/labels', addLabels, { labels: [{ name: 'Z' }] }],
  ['GET', '/api/collections/1/items', listItems],
  ['PATCH', '/api/labels/1', patchLabel, { name: 'Z' }],
  ['DELETE', '/api/labels/1', deleteLabel],
  ['GET', '/api/items/1', getItem],
  ['GET', '/api/items/1/image', getImage],
  ['GET', '/api/items/1/thumbnail?size=160', getThumbnail],
  ['GET', '/api/users', listUsers],
  ['POST', '/api/users', createUser, { email: 'a@b.org', name: 'A', role: 'admin', password: 'x' }],
  ['PATCH', '/api/users/1', patchUser, { role: 'admin' }],
];

describe('signed-out requests', () => {
  it.each(protectedRoutes)('%s %s answers 401', async (method, pathName, handler, body) => {
    for (const cookie of [undefined, 'curio_session=forged-token']) {
      const response = await handler(
        apiRequest(pathName, { method, body, cookie }),
        params({ id: '1' }),
      );

      expect(response.status).toBe(401);
      expect(await errorOf(response)).toEqual({
        code: 'unauthenticated',
        message: 'Sign in to continue.',
      });
    }
  });

  it.each(protectedRoutes.filter(([method]) => method !== 'GET'))(
    '%s %s from another origin answers 403 before anything else',
    async (method, pathName, handler, body) => {
      const response = await handler(
        apiRequest(pathName, { method, body, headers: { origin: 'https://evil.example' } }),
        params({ id: '1' }),
      );

      expect(response.status).toBe(403);
    },
  );
});
