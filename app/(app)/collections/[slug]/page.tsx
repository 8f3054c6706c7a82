import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requirePageUser } from '@/lib/auth/page-auth';
import { can } from '@/lib/auth/permissions';
import { browseHref, loadBrowsePage, parseBrowseQuery } from '@/lib/collections/browse-query';
import { getCollectionBySlug, listLabels } from '@/lib/collections/collection-repo';
import {
  countBrowseFilters,
  countPredictedByLabel,
  type BrowseFilter,
} from '@/lib/collections/item-browse-repo';
import { BulkGrid } from './bulk-grid';

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
};

export async function generateMetadata(props: Props): Promise<Metadata> {
  const collection = getCollectionBySlug(getDb(), (await props.params).slug);
  return { title: collection?.name ?? 'Collection' };
}

function sameFilter(a: BrowseFilter, b: BrowseFilter): boolean {
  if (a.kind === 'label' && b.kind === 'label') return a.labelId === b.labelId;
  if (a.kind === 'predicted' && b.kind === 'predicted') return a.labelId === b.labelId;
  return a.kind === b.kind;
}

export default async function CollectionGridPage(props: Props) {
  const { slug } = await props.params;
  const base = `/collections/${slug}`;
  const user = await requirePageUser('collection:read', base);

  const db = getDb();
  const collection = getCollectionBySlug(db, slug);
  if (!collection) notFound();

  const query = parseBrowseQuery(await props.searchParams);
  const labels = listLabels(db, collection.id);
  const counts = countBrowseFilters(db, collection.id);
  const predicted = countPredictedByLabel(db, collection.id);
  const { items: page, previousBefore, nextAfter } = loadBrowsePage(db, collection.id, query);

  const filters: { filter: BrowseFilter; text: string; count: number; colour?: string }[] = [
    { filter: { kind: 'all' }, text: 'All', count: counts.all },
    { filter: { kind: 'unannotated' }, text: 'Unannotated', count: counts.unannotated },
    { filter: { kind: 'none' }, text: 'None of these', count: counts.none },
    ...labels.map((label) => ({
      filter: { kind: 'label' as const, labelId: label.id },
      text: label.name,
      count: counts.byLabel.get(label.id) ?? 0,
      colour: label.colour,
    })),
    // Only when a model is active: what it predicts, to select and confirm in bulk.
    ...(predicted === null
      ? []
      : labels.map((label) => ({
          filter: { kind: 'predicted' as const, labelId: label.id },
          text: `Predicted: ${label.name}`,
          count: predicted.get(label.id) ?? 0,
          colour: label.colour,
        }))),
  ];

  return (
    <>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1>{collection.name}</h1>
          <p className="text-sm text-muted">
            {collection.annotationMode === 'single' ? 'Single label' : 'Multi-label'} ·{' '}
            {counts.all.toLocaleString('en')} items ·{' '}
            {(counts.all - counts.unannotated).toLocaleString('en')} annotated
          </p>
          {collection.description && (
            <p className="mt-1 max-w-3xl text-sm text-ink/80">{collection.description}</p>
          )}
        </div>
      </div>

      <nav aria-label="Filter items" className="mb-4">
        <ul className="flex flex-wrap gap-1.5">
          {filters.map(({ filter, text, count, colour }) => {
            const current = sameFilter(filter, query.filter);
            return (
              <li
                key={
                  filter.kind === 'label' || filter.kind === 'predicted'
                    ? `${filter.kind}-${filter.labelId}`
                    : filter.kind
                }
              >
                <Link
                  href={browseHref(base, filter)}
                  aria-current={current ? 'page' : undefined}
                  className={`pill no-underline hover:no-underline ${
                    current
                      ? 'border-accent bg-accent text-white'
                      : 'border-line bg-white text-ink hover:bg-stone-100'
                  }`}
                >
                  {colour && (
                    <span
                      aria-hidden="true"
                      className="inline-block size-2.5 rounded-full ring-1 ring-black/20"
                      style={{ backgroundColor: colour }}
                    />
                  )}
                  {text}
                  <span className={`tabular-nums ${current ? 'text-white/80' : 'text-muted'}`}>
                    {count.toLocaleString('en')}
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>

      {page.length === 0 ? (
        <div className="card p-8 text-center text-muted">
          {counts.all === 0 ? 'This collection has no items yet.' : 'No items match this filter.'}
        </div>
      ) : (
        <BulkGrid
          base={base}
          collectionId={collection.id}
          single={collection.annotationMode === 'single'}
          items={page}
          labels={labels}
          selectable={can(user.role, 'annotation:write')}
        />
      )}

      <nav aria-label="Pages" className="mt-6 flex items-center justify-between gap-2">
        <div className="flex gap-2">
          {previousBefore !== null && (
            <>
              <Link href={browseHref(base, query.filter)} className="btn">
                « First
              </Link>
              <Link
                href={browseHref(base, query.filter, { before: previousBefore })}
                className="btn"
                rel="prev"
              >
                ← Previous page
              </Link>
            </>
          )}
        </div>
        <p className="text-sm text-muted">
          Showing {page.length} item{page.length === 1 ? '' : 's'}
          {page.length > 0 && ` (#${page[0].id}–#${page[page.length - 1].id})`}
        </p>
        <div>
          {nextAfter !== null && (
            <Link
              href={browseHref(base, query.filter, { after: nextAfter })}
              className="btn"
              rel="next"
            >
              Next page →
            </Link>
          )}
        </div>
      </nav>
    </>
  );
}
