import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requirePageUser } from '@/lib/auth/page-auth';
import { getCollectionBySlug, listLabels } from '@/lib/collections/collection-repo';
import { RESERVED_HOTKEYS } from '@/lib/collections/label-defaults';
import { countAnnotationsPerLabel } from '@/lib/collections/label-repo';
import { CollectionDetailsForm } from './collection-details-form';
import { LabelSchemaEditor } from './label-schema-editor';

export const metadata: Metadata = { title: 'Collection settings' };

export default async function CollectionSettingsPage(props: { params: Promise<{ slug: string }> }) {
  const { slug } = await props.params;
  await requirePageUser('collection:manage', `/collections/${slug}/settings`);

  const db = getDb();
  const collection = getCollectionBySlug(db, slug);
  if (!collection) notFound();
  const uses = countAnnotationsPerLabel(db, collection.id);
  const labels = listLabels(db, collection.id).map((label) => ({
    ...label,
    annotationCount: uses.get(label.id) ?? 0,
  }));

  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`/collections/${collection.slug}`}>← {collection.name}</Link>
        </p>
        <h1>Settings</h1>
      </div>
      <CollectionDetailsForm
        collection={{
          id: collection.id,
          name: collection.name,
          description: collection.description,
          annotationMode: collection.annotationMode,
        }}
      />
      <LabelSchemaEditor
        collectionId={collection.id}
        labels={labels}
        reservedHotkeys={[...RESERVED_HOTKEYS]}
      />
    </div>
  );
}
