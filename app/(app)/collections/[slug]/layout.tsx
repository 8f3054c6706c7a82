import Link from 'next/link';
import { notFound } from 'next/navigation';
import { CollectionTabs, type CollectionTab } from '@/components/collection-tabs';
import { getDb } from '@/db/client';
import { getPageUser } from '@/lib/auth/page-auth';
import { can, type Permission } from '@/lib/auth/permissions';
import { getCollectionBySlug } from '@/lib/collections/collection-repo';

/** Every section of a collection, in the order a project usually goes through them. */
const SECTIONS: (CollectionTab & { permission: Permission })[] = [
  { segment: '', text: 'Items', permission: 'collection:read' },
  { segment: 'annotate', text: 'Annotate', permission: 'annotation:write' },
  { segment: 'review', text: 'Review', permission: 'review:write' },
  { segment: 'models', text: 'Models', permission: 'model:read' },
  { segment: 'compare', text: 'Compare', permission: 'model:read' },
  { segment: 'import', text: 'Import', permission: 'item:import' },
  { segment: 'export', text: 'Export', permission: 'export:run' },
  { segment: 'settings', text: 'Settings', permission: 'collection:manage' },
];

type Props = { children: React.ReactNode; params: Promise<{ slug: string }> };

// Pages below still check their own permission; the tabs only hide what a role cannot open.
export default async function CollectionLayout({ children, params }: Props) {
  const { slug } = await params;
  const user = await getPageUser();
  const collection = getCollectionBySlug(getDb(), slug);
  if (!collection) notFound();

  const tabs = SECTIONS.filter((section) => user && can(user.role, section.permission));

  return (
    <>
      <p className="mb-1 text-sm text-muted">
        <Link href="/collections">Collections</Link> / {collection.name}
      </p>
      <CollectionTabs slug={slug} tabs={tabs} />
      {children}
    </>
  );
}
