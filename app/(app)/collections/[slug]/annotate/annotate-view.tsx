'use client';

import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';
import { annotateKeyAction, isEditableTarget } from './annotate-keys';
import {
  EMPTY_SELECTION,
  itemName,
  type AnnotateLabel,
  type AnnotateProgress,
  type AnnotateQueue,
  type AnnotationResponse,
  type NextResponse,
  type QueueEntry,
  type Selection,
} from './annotate-types';
import { ShortcutSheet } from './shortcut-sheet';

/** Ask for more items when fewer than this many are left in the local queue. */
const LOW_WATER = 3;
const BATCH_SIZE = 5;
/** Renew the leases of held items at least this often while the curator is active. */
const RENEW_AFTER_MS = 60_000;

interface Props {
  collection: { id: number; name: string; slug: string; annotationMode: 'single' | 'multi' };
  labels: AnnotateLabel[];
  initialProgress: AnnotateProgress;
  initialHideSuggestions: boolean;
}

/** The curator's pick for one item (a pick for an item no longer on screen is ignored). */
interface Chosen {
  itemId: number;
  selection: Selection;
}

interface DoneSave {
  entry: QueueEntry;
  annotationId: number;
}

interface FailedSave {
  entry: QueueEntry;
  body: SaveBody;
  message: string;
}

interface SaveBody {
  labelIds: number[];
  none: boolean;
  suggestedByModelId: number | null;
  queue: AnnotateQueue;
}

function startingSelection(entry: QueueEntry | undefined): Selection {
  // In the revisit queue the imported labels are the starting point, to confirm or correct.
  if (!entry?.current) return EMPTY_SELECTION;
  return { labelIds: entry.current.labelIds, none: entry.current.kind === 'none' };
}

/** What the curator picked for the item on screen; a new item starts from its current state. */
function selectionFor(entry: QueueEntry | undefined, chosen: Chosen | null): Selection {
  return entry && chosen?.itemId === entry.item.id ? chosen.selection : startingSelection(entry);
}

function describeSelection(selection: Selection, labelsById: Map<number, AnnotateLabel>): string {
  if (selection.none) return 'none of these';
  return selection.labelIds.map((id) => labelsById.get(id)?.name ?? `label ${id}`).join(', ');
}

function metadataText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '—';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The curator's annotate view: one item large, label buttons with hotkeys, optimistic saves.
 * Items come from the server in small leased batches; the next images are preloaded so the next
 * item shows at once. A save that fails stays listed with a retry button until it succeeds.
 */
export function AnnotateView(props: Props) {
  const { collection, labels } = props;
  const single = collection.annotationMode === 'single';
  const labelsById = new Map(labels.map((label) => [label.id, label]));
  const hotkeys = new Map(
    labels.flatMap((label): [string, number][] =>
      label.hotkey ? [[label.hotkey.toLowerCase(), label.id]] : [],
    ),
  );

  const [queue, setQueue] = useState<AnnotateQueue>('unannotated');
  const [buffer, setBuffer] = useState<QueueEntry[]>([]);
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [skipped, setSkipped] = useState<number[]>([]);
  const [exhausted, setExhausted] = useState(false);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [progress, setProgress] = useState(props.initialProgress);
  const [announcement, setAnnouncement] = useState('');
  const [failed, setFailed] = useState<FailedSave[]>([]);
  const [pending, setPending] = useState(0);
  const [hideSuggestions, setHideSuggestions] = useState(props.initialHideSuggestions);
  const [sheetOpen, setSheetOpen] = useState(false);
  const [hint, setHint] = useState<string | null>(null);

  const done = useRef<DoneSave[]>([]);
  const inFlight = useRef<Promise<unknown>>(Promise.resolve());
  const lastFetchAt = useRef(0);
  const preloaded = useRef(new Set<number>());
  // Items saved in this session (undone ones leave it). A batch requested while a save is still
  // on its way can contain that item again: the server does not know yet that it is done.
  const saved = useRef(new Set<number>());
  // The queue and the pick, updated at once on every key: keys can arrive faster than React
  // renders, and a handler bound in an earlier render must still see the latest pick.
  const live = useRef<{ buffer: QueueEntry[]; chosen: Chosen | null }>({
    buffer: [],
    chosen: null,
  });

  function commitBuffer(next: QueueEntry[]) {
    live.current.buffer = next;
    setBuffer(next);
  }

  function commitChosen(next: Chosen | null) {
    live.current.chosen = next;
    setChosen(next);
  }

  const current = buffer[0];
  const selection = selectionFor(current, chosen);
  const suggestion = !hideSuggestions && current?.suggestion ? current.suggestion : null;

  const fetchMore = useCallback(
    async (held: QueueEntry[], skippedIds: number[], activeQueue: AnnotateQueue) => {
      setLoading(true);
      lastFetchAt.current = Date.now();
      const query = new URLSearchParams({
        count: String(BATCH_SIZE),
        queue: activeQueue,
        held: held.map((entry) => entry.item.id).join(','),
        skipped: skippedIds.join(','),
      });
      try {
        const batch = await apiRequest<NextResponse>(
          `/api/collections/${collection.id}/annotate/next?${query}`,
        );
        const fresh = batch.items.filter((entry) => !saved.current.has(entry.item.id));
        setLoadError(null);
        setExhausted(fresh.length === 0);
        const lost = new Set(batch.lostIds);
        // The item on screen stays even if its lease lapsed; saving it will say so if taken.
        const kept = live.current.buffer.filter(
          (entry, index) => index === 0 || !lost.has(entry.item.id),
        );
        const known = new Set(kept.map((entry) => entry.item.id));
        commitBuffer([...kept, ...fresh.filter((entry) => !known.has(entry.item.id))]);
      } catch (error) {
        setLoadError(errorMessage(error));
      } finally {
        setLoading(false);
      }
    },
    [collection.id],
  );

  // Keep a few items ready; renew leases now and then while the curator works.
  useEffect(() => {
    if (loading || loadError) return;
    const stale = Date.now() - lastFetchAt.current > RENEW_AFTER_MS;
    if ((buffer.length < LOW_WATER && !exhausted) || (stale && buffer.length > 0)) {
      void fetchMore(buffer, skipped, queue);
    }
  }, [buffer, skipped, queue, exhausted, loading, loadError, fetchMore]);

  // Preload the images after the current one so that "next" shows at once.
  useEffect(() => {
    for (const entry of buffer.slice(1)) {
      if (preloaded.current.has(entry.item.id)) continue;
      preloaded.current.add(entry.item.id);
      const image = new Image();
      image.src = entry.imageUrl;
    }
  }, [buffer]);

  function advance(rest: QueueEntry[]) {
    commitBuffer(rest);
    commitChosen(null);
    setHint(null);
    // Ask once more before saying "all done": skipped or lapsed items may be waiting.
    if (rest.length === 0) setExhausted(false);
  }

  function sendSave(entry: QueueEntry, body: SaveBody) {
    setPending((n) => n + 1);
    // Kept in the order the saves were made, whatever order the server answers in, so that
    // undo takes back the last one the curator made.
    const record: DoneSave = { entry, annotationId: 0 };
    done.current.push(record);
    const request = apiRequest<AnnotationResponse>(`/api/items/${entry.item.id}/annotations`, {
      method: 'POST',
      body,
    })
      .then((result) => {
        record.annotationId = result.annotation.id;
        setProgress(result.progress);
        setFailed((list) => list.filter((failure) => failure.entry.item.id !== entry.item.id));
        // Whatever a batch left out while this save was on its way may be asked for again.
        setExhausted(false);
        setAnnouncement(
          `Saved: ${describeSelection(body, labelsById)}. ${result.progress.annotated} of ${result.progress.total} annotated.`,
        );
      })
      .catch((error: unknown) => {
        done.current = done.current.filter((other) => other !== record);
        const message = errorMessage(error);
        setFailed((list) => [
          ...list.filter((failure) => failure.entry.item.id !== entry.item.id),
          { entry, body, message },
        ]);
        setAnnouncement(`Not saved: ${itemName(entry.item)}. ${message}`);
      })
      .finally(() => setPending((n) => n - 1));
    inFlight.current = inFlight.current.then(() => request);
  }

  function save() {
    const { buffer: queued, chosen: pick } = live.current;
    const current = queued[0];
    if (!current) return;
    const selection = selectionFor(current, pick);
    const suggestion = !hideSuggestions ? current.suggestion : null;
    if (!selection.none && selection.labelIds.length === 0) {
      setHint('Choose a label (or N for none of these) before saving.');
      return;
    }

    saved.current.add(current.item.id);
    sendSave(current, {
      labelIds: selection.none ? [] : selection.labelIds,
      none: selection.none,
      suggestedByModelId: suggestion?.modelId ?? null,
      queue,
    });
    advance(queued.slice(1));
  }

  function skip() {
    const [current, ...rest] = live.current.buffer;
    if (!current) return;
    setSkipped((list) => [...list.filter((id) => id !== current.item.id), current.item.id]);
    advance(rest);
    setAnnouncement(`Skipped ${itemName(current.item)}; it comes back at the end.`);
  }

  async function undo() {
    await inFlight.current;
    const last = done.current.pop();
    if (!last) {
      setAnnouncement('There is no save to undo.');
      return;
    }
    try {
      const undone = await apiRequest<AnnotationResponse>(
        `/api/items/${last.entry.item.id}/annotations/undo`,
        { method: 'POST', body: { annotationId: last.annotationId } },
      );
      setProgress(undone.progress);
      saved.current.delete(last.entry.item.id);
      const restored: QueueEntry = {
        ...last.entry,
        current:
          undone.annotation.kind === 'cleared'
            ? null
            : { kind: undone.annotation.kind, labelIds: undone.annotation.labelIds },
      };
      commitBuffer([
        restored,
        ...live.current.buffer.filter((entry) => entry.item.id !== restored.item.id),
      ]);
      commitChosen(null);
      setExhausted(false);
      setAnnouncement(
        `Undone: ${itemName(last.entry.item)} is back. ${undone.progress.annotated} of ${undone.progress.total} annotated.`,
      );
    } catch (error) {
      setAnnouncement(`Could not undo: ${errorMessage(error)}`);
    }
  }

  function choose(next: Selection) {
    const current = live.current.buffer[0];
    if (!current) return;
    commitChosen({ itemId: current.item.id, selection: next });
    setHint(null);
  }

  function liveSelection(): Selection {
    return selectionFor(live.current.buffer[0], live.current.chosen);
  }

  function toggleLabel(labelId: number) {
    const selection = liveSelection();
    // Single-label collections take one label: another hotkey replaces it.
    if (single) return choose({ labelIds: [labelId], none: false });
    const has = selection.labelIds.includes(labelId);
    choose({
      labelIds: has
        ? selection.labelIds.filter((id) => id !== labelId)
        : [...selection.labelIds, labelId],
      none: false,
    });
  }

  function chooseNone() {
    const selection = liveSelection();
    choose(selection.none ? EMPTY_SELECTION : { labelIds: [], none: true });
  }

  async function toggleSuggestions() {
    const hide = !hideSuggestions;
    setHideSuggestions(hide);
    try {
      await apiRequest('/api/me/settings', { method: 'PATCH', body: { hideSuggestions: hide } });
    } catch (error) {
      setAnnouncement(`The setting was not kept: ${errorMessage(error)}`);
    }
  }

  function switchQueue(next: AnnotateQueue) {
    setQueue(next);
    setSkipped([]);
    setExhausted(false);
  }

  // One listener, re-bound each render so that it always sees the current state.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (sheetOpen || event.repeat) return;
      const action = annotateKeyAction(
        {
          key: event.key,
          ctrlKey: event.ctrlKey,
          metaKey: event.metaKey,
          altKey: event.altKey,
          shiftKey: event.shiftKey,
          inEditable: isEditableTarget(event.target),
        },
        hotkeys,
      );
      if (!action) return;
      // Also stops Enter from clicking whichever button has focus.
      event.preventDefault();
      if (action.type === 'help') setSheetOpen(true);
      else if (action.type === 'undo') void undo();
      else if (action.type === 'save') save();
      else if (action.type === 'skip') skip();
      else if (action.type === 'none') chooseNone();
      else toggleLabel(action.labelId);
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  });

  const percent = progress.total > 0 ? Math.round((progress.annotated / progress.total) * 100) : 0;
  const suggested = new Map(suggestion?.labels.map((s) => [s.labelId, s]) ?? []);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-64 flex-1">
          <p className="text-sm">
            <span className="font-medium tabular-nums">
              {progress.annotated} of {progress.total}
            </span>{' '}
            annotated
            {queue === 'revisit-import' && ' · revisiting imported labels'}
            {pending > 0 && <span className="text-muted"> · saving…</span>}
          </p>
          <div
            className="mt-1 h-2 overflow-hidden rounded-full bg-stone-200"
            role="progressbar"
            aria-label="Annotated items"
            aria-valuemin={0}
            aria-valuemax={progress.total}
            aria-valuenow={progress.annotated}
          >
            <div className="h-full bg-accent" style={{ width: `${percent}%` }} />
          </div>
        </div>
        <div className="flex items-center gap-2">
          <label className="flex items-center gap-1.5 text-sm">
            <input
              type="checkbox"
              checked={!hideSuggestions}
              onChange={() => void toggleSuggestions()}
            />
            Show model suggestions
          </label>
          <button type="button" className="btn btn-small" onClick={() => setSheetOpen(true)}>
            Shortcuts <kbd className="font-mono">?</kbd>
          </button>
        </div>
      </div>

      <p aria-live="polite" role="status" className="min-h-5 text-sm text-ok">
        {announcement}
      </p>

      {failed.length > 0 && (
        <div className="alert-error space-y-1" role="alert">
          <p className="font-medium">
            {failed.length} save{failed.length === 1 ? '' : 's'} did not reach the server and{' '}
            {failed.length === 1 ? 'is' : 'are'} kept here:
          </p>
          <ul className="space-y-1">
            {failed.map((failure) => (
              <li key={failure.entry.item.id} className="flex flex-wrap items-center gap-2">
                <span>
                  {itemName(failure.entry.item)} → {describeSelection(failure.body, labelsById)}:{' '}
                  {failure.message}
                </span>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => sendSave(failure.entry, failure.body)}
                >
                  Retry
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {loadError && (
        <div className="alert-error flex items-center gap-2" role="alert">
          <span>The next items could not be loaded: {loadError}</span>
          <button type="button" className="btn btn-small" onClick={() => setLoadError(null)}>
            Try again
          </button>
        </div>
      )}

      {current ? (
        <div className="grid gap-5 lg:grid-cols-[minmax(0,3fr)_minmax(280px,1fr)]">
          <figure
            className="card grid place-items-center bg-stone-100 p-2"
            data-item-id={current.item.id}
          >
            <img
              key={current.item.id}
              src={current.imageUrl}
              alt={itemName(current.item)}
              width={current.item.width}
              height={current.item.height}
              className="h-auto max-h-[calc(100vh-16rem)] w-auto max-w-full object-contain"
            />
          </figure>

          <div className="space-y-4">
            <section aria-labelledby="labels-heading" className="card p-4">
              <h2 id="labels-heading" className="mb-2">
                {single ? 'Label' : 'Labels'}
              </h2>
              <div className="flex flex-col gap-1.5">
                {labels.map((label) => {
                  const selected = !selection.none && selection.labelIds.includes(label.id);
                  const score = suggested.get(label.id);
                  return (
                    <button
                      key={label.id}
                      type="button"
                      aria-pressed={selected}
                      onClick={() => toggleLabel(label.id)}
                      className={`flex items-center gap-2 rounded-md border px-2.5 py-1.5 text-left text-sm ${
                        selected
                          ? 'border-accent bg-accent text-white'
                          : 'border-line bg-white hover:bg-stone-100'
                      } ${score?.predicted && !selected ? 'outline-2 outline-accent outline-dashed' : ''}`}
                    >
                      <kbd
                        className={`w-6 shrink-0 rounded border text-center font-mono text-xs ${
                          selected ? 'border-white/50' : 'border-line bg-stone-50'
                        }`}
                      >
                        {label.hotkey?.toUpperCase() ?? '·'}
                      </kbd>
                      <span
                        aria-hidden="true"
                        className="inline-block size-2.5 shrink-0 rounded-full ring-1 ring-black/20"
                        style={{ backgroundColor: label.colour }}
                      />
                      <span className="flex-1 truncate">{label.name}</span>
                      {score && (
                        <span
                          className={`text-xs tabular-nums ${selected ? 'text-white/90' : 'text-muted'}`}
                          title="Model probability"
                        >
                          {score.predicted ? 'suggested ' : ''}
                          {Math.round(score.probability * 100)}%
                        </span>
                      )}
                      <span
                        className={`w-8 text-right text-xs tabular-nums ${selected ? 'text-white/80' : 'text-muted'}`}
                        title="Items with this label"
                      >
                        {progress.byLabel[label.id] ?? 0}
                      </span>
                    </button>
                  );
                })}
                <button
                  type="button"
                  aria-pressed={selection.none}
                  onClick={chooseNone}
                  className={`flex items-center gap-2 rounded-md border border-dashed px-2.5 py-1.5 text-left text-sm ${
                    selection.none
                      ? 'border-accent bg-accent text-white'
                      : 'border-stone-400 bg-stone-50 hover:bg-stone-100'
                  }`}
                >
                  <kbd className="w-6 shrink-0 rounded border border-line text-center font-mono text-xs">
                    N
                  </kbd>
                  <span className="flex-1">None of these</span>
                  <span className="w-8 text-right text-xs tabular-nums">{progress.none}</span>
                </button>
              </div>
              {suggestion && (
                <p className="hint">
                  Dashed outline: suggested by the active {suggestion.modelKind} (model #
                  {suggestion.modelId})
                  {suggestion.labels.every((s) => !s.predicted) && '; it suggests none of these'}.
                </p>
              )}
              {hint && <p className="mt-2 text-sm text-danger">{hint}</p>}
              <div className="mt-3 flex gap-2">
                <button type="button" className="btn btn-primary flex-1" onClick={save}>
                  Save and next <kbd className="font-mono text-xs">Enter</kbd>
                </button>
                <button type="button" className="btn" onClick={skip}>
                  Skip <kbd className="font-mono text-xs">S</kbd>
                </button>
              </div>
            </section>

            <section aria-labelledby="item-heading" className="card p-4">
              <h2 id="item-heading" className="mb-2 break-words">
                {itemName(current.item)}
              </h2>
              <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
                <dt className="text-muted">Item</dt>
                <dd>
                  <Link href={`/collections/${collection.slug}/items/${current.item.id}`}>
                    #{current.item.id}
                  </Link>
                </dd>
                <dt className="text-muted">Size</dt>
                <dd className="tabular-nums">
                  {current.item.width} × {current.item.height} px
                </dd>
                <dt className="text-muted">Source</dt>
                <dd className="break-all">{current.item.sourceUri}</dd>
                {current.item.identifier && (
                  <>
                    <dt className="text-muted">Identifier</dt>
                    <dd className="break-all">{current.item.identifier}</dd>
                  </>
                )}
                {Object.entries(current.item.metadata).map(([key, value]) => (
                  <div key={key} className="contents">
                    <dt className="text-muted">{key}</dt>
                    <dd className="break-words">{metadataText(value)}</dd>
                  </div>
                ))}
              </dl>
            </section>
          </div>
        </div>
      ) : loading || (!exhausted && !loadError) ? (
        <div className="card p-8 text-center text-muted">Loading the next items…</div>
      ) : (
        <div className="card space-y-3 p-8 text-center">
          <p className="text-lg font-medium">
            {queue === 'unannotated'
              ? 'Every item of this collection is annotated (or held by someone else right now).'
              : 'No imported labels are left to revisit.'}
          </p>
          {queue === 'unannotated' ? (
            <p className="text-muted">
              You can revisit items whose labels came with an import and were never confirmed by a
              person.{' '}
              <button type="button" className="btn" onClick={() => switchQueue('revisit-import')}>
                Revisit imported labels
              </button>
            </p>
          ) : (
            <button type="button" className="btn" onClick={() => switchQueue('unannotated')}>
              Back to unannotated items
            </button>
          )}
        </div>
      )}

      <ShortcutSheet
        open={sheetOpen}
        labels={labels}
        single={single}
        onClose={() => setSheetOpen(false)}
      />
    </div>
  );
}
