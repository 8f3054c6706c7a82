import { z } from 'zod';
import type { Db } from '@/db/client';
import {
  listBrowseItems,
  type BrowseCursor,
  type BrowseFilter,
  type BrowseItem,
} from './item-browse-repo';

/**
 * The grid's query string, shared by the page and GET /api/collections/[id]/items:
 * ?filter=all|unannotated|none|label|predicted&label=<id>&after=<item id>|before=<item id>&limit=<n>.
 * Anything unreadable falls back to the first page of all items rather than failing.
 */

export const DEFAULT_PAGE_SIZE = 60;
export const MAX_PAGE_SIZE = 200;

const optionalId = z.coerce.number().int().positive().optional().catch(undefined);

const querySchema = z.object({
  filter: z.enum(['all', 'unannotated', 'none', 'label', 'predicted']).catch('all'),
  label: optionalId,
  after: optionalId,
  before: optionalId,
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).catch(DEFAULT_PAGE_SIZE),
});

export interface BrowseQuery {
  filter: BrowseFilter;
  cursor: BrowseCursor;
  limit: number;
}

export function parseBrowseQuery(params: Record<string, string | undefined>): BrowseQuery {
  const query = querySchema.parse({
    filter: params.filter ?? 'all',
    label: params.label,
    after: params.after,
    before: params.before,
    limit: params.limit ?? DEFAULT_PAGE_SIZE,
  });

  let filter: BrowseFilter = { kind: 'all' };
  if ((query.filter === 'label' || query.filter === 'predicted') && query.label !== undefined) {
    filter = { kind: query.filter, labelId: query.label };
  } else if (query.filter === 'unannotated' || query.filter === 'none') {
    filter = { kind: query.filter };
  }
  const cursor: BrowseCursor =
    query.before !== undefined ? { before: query.before } : { after: query.after ?? 0 };
  return { filter, cursor, limit: query.limit };
}

export interface BrowsePage {
  items: BrowseItem[];
  /** Cursor values for the neighbouring pages; null where there is none. */
  previousBefore: number | null;
  nextAfter: number | null;
}

/** One page of the grid plus whether pages exist on either side. */
export function loadBrowsePage(db: Db, collectionId: number, query: BrowseQuery): BrowsePage {
  const items = listBrowseItems(db, collectionId, query.filter, query.cursor, query.limit);
  if (items.length === 0) return { items, previousBefore: null, nextAfter: null };

  const first = items[0].id;
  const last = items[items.length - 1].id;
  const hasPrevious = listBrowseItems(db, collectionId, query.filter, { before: first }, 1);
  const hasNext = listBrowseItems(db, collectionId, query.filter, { after: last }, 1);
  return {
    items,
    previousBefore: hasPrevious.length > 0 ? first : null,
    nextAfter: hasNext.length > 0 ? last : null,
  };
}

/** The link to this filter's first page, or to the page before or after a cursor. */
export function browseHref(base: string, filter: BrowseFilter, cursor?: BrowseCursor): string {
  const params = new URLSearchParams();
  if (filter.kind !== 'all') params.set('filter', filter.kind);
  if (filter.kind === 'label' || filter.kind === 'predicted') {
    params.set('label', String(filter.labelId));
  }
  if (cursor && 'after' in cursor && cursor.after > 0) params.set('after', String(cursor.after));
  if (cursor && 'before' in cursor) params.set('before', String(cursor.before));
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}
