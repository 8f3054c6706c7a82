import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { requirePageUser } from '@/lib/auth/page-auth';
import { getCollectionBySlug } from '@/lib/collections/collection-repo';
import { getActiveModel } from '@/lib/ml/model-repo';
import { ExportForm } from './export-form';

export const metadata: Metadata = { title: 'Export' };

type Props = { params: Promise<{ slug: string }> };

export default async function ExportPage({ params }: Props) {
  const { slug } = await params;
  await requirePageUser('export:run', `/collections/${slug}/export`);
  const db = getDb();
  const collection = getCollectionBySlug(db, slug);
  if (!collection) notFound();

  const models = (['classifier', 'labeler'] as const)
    .map((kind) => getActiveModel(db, collection.id, kind))
    .filter((model) => model !== undefined);

  return (
    <div className="max-w-3xl space-y-5">
      <h1>Export</h1>
      <p className="text-muted">
        Every row or annotation says where its labels came from: a person in Curio, the review
        queue, an import, or the model. Items are identified by their{' '}
        <code>dcterms:identifier</code>, or by <code>sha256:</code> and the hash of their image when
        they have none.
      </p>

      <section className="card space-y-3 p-6" aria-labelledby="labels-heading">
        <h2 id="labels-heading">Labels and images</h2>
        <ExportForm
          collectionId={collection.id}
          singleLabel={collection.annotationMode === 'single'}
          hasActiveModel={models.length > 0}
        />
      </section>

      <section className="card space-y-3 p-6" aria-labelledby="models-heading">
        <h2 id="models-heading">Models</h2>
        {models.length === 0 ? (
          <p className="text-sm text-muted">This collection has no trained model yet.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {models.map((model) => (
              <li key={model.id} className="flex items-center justify-between gap-3">
                <span>
                  Active {model.kind} (model {model.id}, backbone {model.backbone})
                </span>
                <a className="btn btn-small" href={`/api/models/${model.id}/export`} download>
                  Download model
                </a>
              </li>
            ))}
          </ul>
        )}
        <p className="hint">
          The zip holds the TF.js head, its thresholds, the novelty reference and the model card.
          Label new images with it outside Curio:{' '}
          <code>npm run curio -- predict --model model.zip image.jpg …</code>
        </p>
      </section>
    </div>
  );
}
