import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ItemLabels } from '@/components/item-labels';
import { getDb } from '@/db/client';
import type { AnnotationRecord } from '@/lib/annotation/annotation-repo';
import { requirePageUser } from '@/lib/auth/page-auth';
import type { Label } from '@/lib/collections/collection-repo';
import { findNeighbourItemIds } from '@/lib/collections/item-browse-repo';
import { getItemDetail, type ItemDetail } from '@/lib/collections/item-detail';
import { isAppError } from '@/lib/errors';

type Props = { params: Promise<{ slug: string; itemId: string }> };

export const metadata: Metadata = { title: 'Item' };

function loadItem(slug: string, itemId: string): ItemDetail | undefined {
  const id = Number(itemId);
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  try {
    const detail = getItemDetail(getDb(), id);
    return detail.collection.slug === slug ? detail : undefined;
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') return undefined;
    throw error;
  }
}

/** Metadata values are shown as plain text; objects become JSON, never markup. */
function metadataText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function formatBytes(sizeBytes: number): string {
  if (sizeBytes >= 1024 * 1024) return `${(sizeBytes / (1024 * 1024)).toFixed(1)} MB`;
  if (sizeBytes >= 1024) return `${Math.round(sizeBytes / 1024)} kB`;
  return `${sizeBytes} bytes`;
}

function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

const KIND_TEXT: Record<AnnotationRecord['kind'], string> = {
  labels: 'Labelled',
  none: 'None of these',
  cleared: 'Cleared',
};

function HistoryEntry(props: { entry: AnnotationRecord; labelsById: Map<number, Label> }) {
  const { entry } = props;
  return (
    <li className="border-b border-line/70 py-2.5 last:border-b-0">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span>
          <span className="font-medium">{KIND_TEXT[entry.kind]}</span> by{' '}
          {entry.userName ?? (
            <span className="italic">
              {entry.source === 'import' ? 'an import' : 'the command line'}
            </span>
          )}
        </span>
        <time
          dateTime={new Date(entry.createdAt).toISOString()}
          className="text-xs text-muted tabular-nums"
        >
          {formatTime(entry.createdAt)}
        </time>
      </div>
      {entry.kind === 'labels' && (
        <div className="mt-1">
          <ItemLabels kind="labels" labelIds={entry.labelIds} labelsById={props.labelsById} />
        </div>
      )}
      <p className="mt-1 flex flex-wrap gap-x-3 text-xs text-muted">
        <span>Source: {entry.source}</span>
        {entry.suggestedByModelId !== null && (
          <span>Suggested by model #{entry.suggestedByModelId}</span>
        )}
        {entry.queue && <span>Queue: {entry.queue}</span>}
        {entry.undoOfId !== null && (
          <span className="font-medium text-ink">Undo of #{entry.undoOfId}</span>
        )}
        <span>#{entry.id}</span>
      </p>
    </li>
  );
}

export default async function ItemPage(props: Props) {
  const { slug, itemId } = await props.params;
  await requirePageUser('collection:read', `/collections/${slug}/items/${itemId}`);

  const detail = loadItem(slug, itemId);
  if (!detail) notFound();
  const { item, collection, labels, history } = detail;
  const labelsById = new Map(labels.map((label) => [label.id, label]));
  const current = history[0];
  const name = item.title ?? item.sourceUri.split('/').pop() ?? `Item ${item.id}`;
  const metadataEntries = Object.entries(item.metadata);
  const neighbours = findNeighbourItemIds(getDb(), collection.id, item.id);
  const itemHref = (id: number) => `/collections/${collection.slug}/items/${id}`;

  return (
    <>
      <p className="text-sm">
        <Link href={`/collections/${collection.slug}`}>← {collection.name}</Link>
      </p>
      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <h1 className="break-words">{name}</h1>
        <nav aria-label="Neighbouring items" className="flex gap-2">
          {neighbours.previousId !== null ? (
            <Link href={itemHref(neighbours.previousId)} className="btn" rel="prev">
              ← Previous item
            </Link>
          ) : (
            <span className="btn opacity-50" aria-disabled="true">
              ← Previous item
            </span>
          )}
          {neighbours.nextId !== null ? (
            <Link href={itemHref(neighbours.nextId)} className="btn" rel="next">
              Next item →
            </Link>
          ) : (
            <span className="btn opacity-50" aria-disabled="true">
              Next item →
            </span>
          )}
        </nav>
      </div>

      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(300px,2fr)]">
        <figure className="card grid place-items-center self-start bg-stone-100 p-2">
          {/* The original, scaled down by the browser to fit; it can be opened at full size. */}
          <img
            src={`/api/items/${item.id}/image`}
            alt={name}
            width={item.width}
            height={item.height}
            className="h-auto max-h-[72vh] w-auto max-w-full object-contain"
          />
          <figcaption className="mt-2 text-xs text-muted">
            <a href={`/api/items/${item.id}/image`} target="_blank" rel="noreferrer">
              Open the original ({item.width} × {item.height} px)
            </a>
          </figcaption>
        </figure>

        <div className="space-y-5">
          <section aria-labelledby="current-heading" className="card p-4">
            <h2 id="current-heading" className="mb-2">
              Current annotation
            </h2>
            <ItemLabels
              kind={current?.kind ?? null}
              labelIds={current?.labelIds ?? []}
              labelsById={labelsById}
            />
          </section>

          <section aria-labelledby="details-heading" className="card p-4">
            <h2 id="details-heading" className="mb-2">
              Details
            </h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-muted">Dimensions</dt>
              <dd className="tabular-nums">
                {item.width} × {item.height} px
              </dd>
              <dt className="text-muted">File</dt>
              <dd>
                {item.mimeType}, {formatBytes(item.sizeBytes)}
              </dd>
              <dt className="text-muted">Source</dt>
              <dd className="break-all">
                {item.sourceKind}: {item.sourceUri}
              </dd>
              {item.identifier && (
                <>
                  <dt className="text-muted">Identifier</dt>
                  <dd className="break-all">{item.identifier}</dd>
                </>
              )}
              <dt className="text-muted">SHA-256</dt>
              <dd className="truncate font-mono text-xs" title={item.contentHash}>
                {item.contentHash}
              </dd>
            </dl>
            {metadataEntries.length > 0 && (
              <>
                <h3 className="mt-4 mb-1 text-sm font-semibold">Metadata</h3>
                <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
                  {metadataEntries.map(([key, value]) => (
                    <div key={key} className="contents">
                      <dt className="text-muted">{key}</dt>
                      <dd className="break-words whitespace-pre-wrap">{metadataText(value)}</dd>
                    </div>
                  ))}
                </dl>
              </>
            )}
          </section>

          <section aria-labelledby="history-heading" className="card p-4">
            <h2 id="history-heading" className="mb-1">
              History
            </h2>
            {history.length === 0 ? (
              <p className="text-sm text-muted">Not annotated yet.</p>
            ) : (
              <ol aria-label="Annotations, newest first">
                {history.map((entry) => (
                  <HistoryEntry key={entry.id} entry={entry} labelsById={labelsById} />
                ))}
              </ol>
            )}
          </section>
        </div>
      </div>
    </>
  );
}
