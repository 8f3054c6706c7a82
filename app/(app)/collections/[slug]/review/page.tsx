import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requirePageUser } from '@/lib/auth/page-auth';
import { can } from '@/lib/auth/permissions';
import { getCollectionBySlug, listLabels } from '@/lib/collections/collection-repo';
import { getReviewLoopStatus } from '@/lib/review/review-service';
import { getTrainingStatus } from '@/lib/training/training-jobs';
import { ReviewWorkbench } from './review-workbench';

export const metadata: Metadata = { title: 'Review' };

type Props = { params: Promise<{ slug: string }> };

export default async function ReviewPage({ params }: Props) {
  const { slug } = await params;
  const user = await requirePageUser('review:write', `/collections/${slug}/review`);

  const db = getDb();
  const collection = getCollectionBySlug(db, slug);
  if (!collection) notFound();
  const training = getTrainingStatus(db, collection.id).active;
  const labels = listLabels(db, collection.id).map(({ id, name, colour, hotkey }) => ({
    id,
    name,
    colour,
    hotkey,
  }));

  return (
    <ReviewWorkbench
      collection={{
        id: collection.id,
        name: collection.name,
        annotationMode: collection.annotationMode,
        randomShare: collection.queueRandomShare,
      }}
      labels={labels}
      canTrain={can(user.role, 'model:train')}
      initialStatus={{
        ...getReviewLoopStatus(db, collection),
        trainingJob: training ? { id: training.id, state: training.state } : null,
      }}
    />
  );
}
