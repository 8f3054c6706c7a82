import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { requirePageUser } from '@/lib/auth/page-auth';
import { can } from '@/lib/auth/permissions';
import { listCollections, type CollectionSummary } from '@/lib/collections/collection-repo';

export const metadata: Metadata = { title: 'Collections' };

function AnnotatedShare({ collection }: { collection: CollectionSummary }) {
  const share = collection.itemCount === 0 ? 0 : collection.annotatedCount / collection.itemCount;
  const percent = Math.round(share * 100);

  return (
    <div className="flex items-center gap-2">
      <div aria-hidden="true" className="h-1.5 w-24 overflow-hidden rounded-full bg-stone-200">
        <div className="h-full bg-accent" style={{ width: `${percent}%` }} />
      </div>
      <span className="tabular-nums">
        {collection.annotatedCount.toLocaleString('en')} ({percent}%)
      </span>
    </div>
  );
}

export default async function CollectionsPage() {
  const user = await requirePageUser('collection:read', '/collections');
  const collections = listCollections(getDb());
  const canManage = can(user.role, 'collection:manage');

  return (
    <>
      <div className="mb-5 flex items-end justify-between gap-4">
        <div>
          <h1>Collections</h1>
          <p className="text-sm text-muted">
            {collections.length === 1 ? 'One collection' : `${collections.length} collections`}
          </p>
        </div>
        {canManage && (
          <Link href="/collections/new" className="btn btn-primary">
            New collection
          </Link>
        )}
      </div>

      {collections.length === 0 ? (
        <div className="card p-8 text-center text-muted">
          No collections yet.
          {canManage ? ' Create one, then import its images.' : ' Ask an admin to create one.'}
        </div>
      ) : (
        <div className="card overflow-x-auto">
          <table className="data-table">
            <caption className="sr-only">Collections with their item and label counts</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Mode</th>
                <th scope="col" className="text-right">
                  Items
                </th>
                <th scope="col">Annotated</th>
                <th scope="col" className="text-right">
                  Labels
                </th>
                {canManage && (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {collections.map((collection) => (
                <tr key={collection.id} className="hover:bg-stone-50">
                  <td>
                    <Link href={`/collections/${collection.slug}`} className="font-medium">
                      {collection.name}
                    </Link>
                    {collection.description && (
                      <p className="line-clamp-1 max-w-md text-xs text-muted">
                        {collection.description}
                      </p>
                    )}
                  </td>
                  <td>{collection.annotationMode === 'single' ? 'Single label' : 'Multi-label'}</td>
                  <td className="text-right tabular-nums">
                    {collection.itemCount.toLocaleString('en')}
                  </td>
                  <td>
                    <AnnotatedShare collection={collection} />
                  </td>
                  <td className="text-right tabular-nums">{collection.labelCount}</td>
                  {canManage && (
                    <td className="text-right">
                      <Link
                        href={`/collections/${collection.slug}/settings`}
                        className="btn btn-small"
                        aria-label={`Settings of ${collection.name}`}
                      >
                        Settings
                      </Link>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
