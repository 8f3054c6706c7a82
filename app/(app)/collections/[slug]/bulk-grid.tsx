'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';
import { ItemLabels } from '@/components/item-labels';
import type { Label } from '@/lib/collections/collection-repo';
import type { BrowseItem } from '@/lib/collections/item-browse-repo';

type BulkActionName = 'add' | 'remove' | 'none';

function itemName(item: BrowseItem): string {
  return item.title ?? item.sourceUri.split('/').pop() ?? `Item ${item.id}`;
}

/**
 * The item grid with selection (checkboxes, Shift-click for a range, "select page") and a bar
 * that applies or removes a label, or marks "none of these", on every selected item in one
 * request. Without `selectable` it is the plain grid.
 */
export function BulkGrid(props: {
  base: string;
  collectionId: number;
  single: boolean;
  items: BrowseItem[];
  labels: Label[];
  selectable: boolean;
}) {
  const router = useRouter();
  const labelsById = new Map(props.labels.map((label) => [label.id, label]));
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  const [labelId, setLabelId] = useState<number>(props.labels[0]?.id ?? 0);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  function toggle(index: number, shiftKey: boolean) {
    const id = props.items[index].id;
    const turnOn = !selected.has(id);
    const next = new Set(selected);
    const [from, to] =
      shiftKey && anchor !== null
        ? [Math.min(anchor, index), Math.max(anchor, index)]
        : [index, index];
    for (const item of props.items.slice(from, to + 1)) {
      if (turnOn) next.add(item.id);
      else next.delete(item.id);
    }
    setSelected(next);
    setAnchor(index);
  }

  async function apply(action: BulkActionName) {
    setBusy(true);
    setResult(null);
    try {
      const outcome = await apiRequest<{ changed: number; unchanged: number }>(
        `/api/collections/${props.collectionId}/annotations/bulk`,
        {
          method: 'POST',
          body: {
            itemIds: [...selected],
            action,
            labelId: action === 'none' ? undefined : labelId,
          },
        },
      );
      setResult({
        ok: true,
        text: `Changed ${outcome.changed} item${outcome.changed === 1 ? '' : 's'}${
          outcome.unchanged > 0 ? `; ${outcome.unchanged} already had it so` : ''
        }.`,
      });
      setSelected(new Set());
      router.refresh();
    } catch (error) {
      setResult({ ok: false, text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  const allOnPage = props.items.length > 0 && props.items.every((item) => selected.has(item.id));

  return (
    <>
      {props.selectable && (
        <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              setSelected(allOnPage ? new Set() : new Set(props.items.map((item) => item.id)))
            }
          >
            {allOnPage ? 'Clear selection' : 'Select page'}
          </button>
          <span className="text-muted">Shift-click a second checkbox to select a range.</span>
          {result && (
            <span role="status" className={result.ok ? 'text-ok' : 'text-danger'}>
              {result.text}
            </span>
          )}
        </div>
      )}

      <ul className="grid grid-cols-[repeat(auto-fill,minmax(150px,1fr))] gap-3" aria-label="Items">
        {props.items.map((item, index) => {
          const isSelected = selected.has(item.id);
          return (
            <li key={item.id} className="relative">
              {props.selectable && (
                <input
                  type="checkbox"
                  aria-label={`Select ${itemName(item)}`}
                  checked={isSelected}
                  onChange={() => undefined}
                  onClick={(event) => toggle(index, event.shiftKey)}
                  className="absolute top-2 left-2 z-10 size-4 accent-accent"
                />
              )}
              <Link
                href={`${props.base}/items/${item.id}`}
                className={`group block overflow-hidden rounded-lg border bg-white text-ink no-underline shadow-xs hover:border-accent hover:no-underline ${
                  isSelected ? 'border-accent ring-2 ring-accent' : 'border-line'
                }`}
              >
                <div className="grid aspect-square place-items-center overflow-hidden bg-stone-100">
                  {/* A plain img: the server already sizes and caches thumbnails as WebP. */}
                  <img
                    src={`/api/items/${item.id}/thumbnail?size=320`}
                    // The tile's visible name follows; repeating it as alt text would read twice.
                    alt=""
                    loading="lazy"
                    decoding="async"
                    // Tall images would otherwise stretch the square tile.
                    className="size-full object-contain"
                  />
                </div>
                <div className="space-y-1 p-2">
                  <p className="truncate text-xs font-medium" title={itemName(item)}>
                    {itemName(item)}
                  </p>
                  <ItemLabels
                    kind={item.annotationKind}
                    labelIds={item.labelIds}
                    labelsById={labelsById}
                  />
                </div>
              </Link>
            </li>
          );
        })}
      </ul>

      {props.selectable && selected.size > 0 && (
        <div
          role="region"
          aria-label="Bulk actions"
          className="sticky bottom-3 z-20 mt-4 flex flex-wrap items-center gap-2 rounded-lg border border-accent bg-white p-3 shadow-lg"
        >
          <span className="text-sm font-medium tabular-nums">{selected.size} selected</span>
          <label className="ml-2 flex items-center gap-1.5 text-sm">
            Label
            <select
              className="input w-auto py-1"
              value={labelId}
              onChange={(event) => setLabelId(Number(event.target.value))}
            >
              {props.labels.map((label) => (
                <option key={label.id} value={label.id}>
                  {label.name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={busy || props.labels.length === 0}
            onClick={() => void apply('add')}
          >
            {props.single ? 'Set label' : 'Add label'}
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy || props.labels.length === 0}
            onClick={() => void apply('remove')}
          >
            Remove label
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => void apply('none')}
          >
            None of these
          </button>
          <button
            type="button"
            className="btn btn-small ml-auto"
            disabled={busy}
            onClick={() => setSelected(new Set())}
          >
            Clear
          </button>
        </div>
      )}
    </>
  );
}
