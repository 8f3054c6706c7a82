import type { Permission } from '@/lib/auth/permissions';

/**
 * Who may call each route handler under app/api. The role matrix test reads this table, finds
 * every route file on disk, and fails for any route or method that has no rule here, so a new
 * route cannot ship without someone deciding who may call it.
 *
 * `access` is the permission the handler must demand, or 'public' for the handlers a signed-out
 * visitor has to reach (signing in, the first-run setup, signing out).
 *
 * `target` picks the ids the test sends. Handlers check the permission before they look anything
 * up, so for the routes that would start real work when allowed (training, imports) the test uses
 * an id that does not exist: an allowed role then gets 404, which shows that the gate let it
 * through without starting a training or an import in the test process.
 */

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type Target = 'real' | 'missing';

export interface RouteRule {
  route: string;
  method: Method;
  access: Permission | 'public';
  target?: Target;
  query?: string;
  /** Sent as JSON; defaults to `[]`, which no handler accepts, so allowed calls stop at 422. */
  body?: unknown;
  why?: string;
}

export const ROUTE_RULES: RouteRule[] = [
  { route: '/api/auth/sign-in', method: 'POST', access: 'public' },
  { route: '/api/auth/sign-out', method: 'POST', access: 'public' },
  { route: '/api/setup', method: 'POST', access: 'public' },

  { route: '/api/collections', method: 'GET', access: 'collection:read' },
  { route: '/api/collections', method: 'POST', access: 'collection:manage' },
  { route: '/api/collections/[id]', method: 'GET', access: 'collection:read' },
  { route: '/api/collections/[id]', method: 'PATCH', access: 'collection:manage' },
  { route: '/api/collections/[id]/labels', method: 'POST', access: 'collection:manage' },
  { route: '/api/collections/[id]/items', method: 'GET', access: 'collection:read' },
  { route: '/api/labels/[id]', method: 'PATCH', access: 'collection:manage' },
  { route: '/api/labels/[id]', method: 'DELETE', access: 'collection:manage', target: 'missing' },

  { route: '/api/items/[id]', method: 'GET', access: 'collection:read' },
  { route: '/api/items/[id]/image', method: 'GET', access: 'collection:read' },
  {
    route: '/api/items/[id]/thumbnail',
    method: 'GET',
    access: 'collection:read',
    query: 'size=64',
  },

  { route: '/api/collections/[id]/annotate/next', method: 'GET', access: 'annotation:write' },
  { route: '/api/collections/[id]/annotations/bulk', method: 'POST', access: 'annotation:write' },
  { route: '/api/items/[id]/annotations', method: 'POST', access: 'annotation:write' },
  { route: '/api/items/[id]/annotations/undo', method: 'POST', access: 'annotation:write' },

  { route: '/api/collections/[id]/review/next', method: 'GET', access: 'review:write' },
  { route: '/api/collections/[id]/review/status', method: 'GET', access: 'review:write' },
  {
    route: '/api/collections/[id]/review/retrain',
    method: 'POST',
    access: 'model:train',
    target: 'missing',
  },
  { route: '/api/items/[id]/reviews', method: 'POST', access: 'review:write' },
  { route: '/api/items/[id]/reviews/undo', method: 'POST', access: 'review:write' },

  {
    route: '/api/collections/[id]/imports/folder',
    method: 'POST',
    access: 'item:import-server-folder',
  },
  { route: '/api/collections/[id]/imports/iiif', method: 'POST', access: 'item:import' },
  { route: '/api/collections/[id]/imports/csv', method: 'POST', access: 'item:import' },
  { route: '/api/collections/[id]/imports/upload', method: 'POST', access: 'item:import' },
  {
    route: '/api/collections/[id]/imports/zip',
    method: 'POST',
    access: 'item:import',
    target: 'missing',
  },

  { route: '/api/collections/[id]/training', method: 'GET', access: 'model:read' },
  { route: '/api/collections/[id]/training', method: 'POST', access: 'model:train' },
  { route: '/api/models/[id]/activate', method: 'POST', access: 'model:train', target: 'missing' },
  { route: '/api/models/[id]/thresholds', method: 'PATCH', access: 'model:train' },
  { route: '/api/models/[id]/export', method: 'GET', access: 'export:run', target: 'missing' },

  { route: '/api/collections/[id]/exports/[format]', method: 'GET', access: 'export:run' },

  { route: '/api/jobs/[id]', method: 'GET', access: 'collection:read' },
  { route: '/api/jobs/[id]/events', method: 'GET', access: 'collection:read' },
  {
    route: '/api/jobs/[id]/cancel',
    method: 'POST',
    access: 'item:import',
    why: 'Any signed-in role reaches the handler, which then asks for the permission of the kind of job; the test job is an import.',
  },

  { route: '/api/me/settings', method: 'PATCH', access: 'collection:read' },
  { route: '/api/users', method: 'GET', access: 'user:manage' },
  { route: '/api/users', method: 'POST', access: 'user:manage' },
  { route: '/api/users/[id]', method: 'PATCH', access: 'user:manage' },
];
