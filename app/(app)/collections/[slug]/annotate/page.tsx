import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { getAnnotateProgress } from '@/lib/annotation/annotate-progress';
import { requirePageUser } from '@/lib/auth/page-auth';
import { getCollectionBySlug, listLabels } from '@/lib/collections/collection-repo';
import { AnnotateView } from './annotate-view';

export const metadata: Metadata = { title: 'Annotate' };

type Props = { params: Promise<{ slug: string }> };

export default async function AnnotatePage({ params }: Props) {
  const { slug } = await params;
  const user = await requirePageUser('annotation:write', `/collections/${slug}/annotate`);

  const db = getDb();
  const collection = getCollectionBySlug(db, slug);
  if (!collection) notFound();
  const labels = listLabels(db, collection.id).map(({ id, name, colour, hotkey }) => ({
    id,
    name,
    colour,
    hotkey,
  }));

  if (labels.length === 0) {
    return (
      <div className="card p-8 text-center text-muted">
        This collection has no labels yet; add some in its settings before annotating.
      </div>
    );
  }

  return (
    <AnnotateView
      collection={{
        id: collection.id,
        name: collection.name,
        slug: collection.slug,
        annotationMode: collection.annotationMode,
      }}
      labels={labels}
      initialProgress={getAnnotateProgress(db, collection.id)}
      initialHideSuggestions={user.settings.hideSuggestions === true}
    />
  );
}
