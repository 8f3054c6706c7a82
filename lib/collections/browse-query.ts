import { z } from 'zod';
import type { BrowseFilter } from './item-browse-repo';

/**
 * The grid's query string, shared by the page and GET /api/collections/[id]/items:
 * ?filter=all|unannotated|none|label&label=<id>&after=<item id>&limit=<n>.
 * Anything unreadable falls back to the first page of all items rather than failing.
 */

export const DEFAULT_PAGE_SIZE = 60;
export const MAX_PAGE_SIZE = 200;

const querySchema = z.object({
  filter: z.enum(['all', 'unannotated', 'none', 'label']).catch('all'),
  label: z.coerce.number().int().positive().optional().catch(undefined),
  after: z.coerce.number().int().min(0).catch(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).catch(DEFAULT_PAGE_SIZE),
});

export interface BrowseQuery {
  filter: BrowseFilter;
  afterId: number;
  limit: number;
}

export function parseBrowseQuery(params: Record<string, string | undefined>): BrowseQuery {
  const query = querySchema.parse({
    filter: params.filter ?? 'all',
    label: params.label,
    after: params.after ?? 0,
    limit: params.limit ?? DEFAULT_PAGE_SIZE,
  });

  let filter: BrowseFilter = { kind: 'all' };
  if (query.filter === 'label' && query.label !== undefined) {
    filter = { kind: 'label', labelId: query.label };
  } else if (query.filter === 'unannotated' || query.filter === 'none') {
    filter = { kind: query.filter };
  }
  return { filter, afterId: query.after, limit: query.limit };
}

/** The query string that shows this filter (from its first page, or after an item). */
export function browseHref(base: string, filter: BrowseFilter, afterId = 0): string {
  const params = new URLSearchParams();
  if (filter.kind !== 'all') params.set('filter', filter.kind);
  if (filter.kind === 'label') params.set('label', String(filter.labelId));
  if (afterId > 0) params.set('after', String(afterId));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}
