'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';
import { LabelChip, NoneChip } from '@/components/label-chip';
import type { QueueKind } from '@/lib/review/queue';
import type { ReviewCard } from '@/lib/review/review-card-repo';
import type { ReviewLoopStatus } from '@/lib/review/review-service';
import { annotateKeyAction, isEditableTarget } from '../annotate/annotate-keys';
import { ProbabilityBars } from './probability-bars';

/**
 * The reviewer's workbench: one queued item at a time with both models' answers, decided by
 * keyboard (Enter saves the selection, which starts as the labeler's answer, so Enter alone
 * accepts it; label hotkeys correct it; N = none of these; S = skip; Ctrl/⌘+Z = undo). Items
 * come in small leased pages; the page polls the active models and refreshes the queue when a
 * new model becomes active.
 */

export interface ReviewLabel {
  id: number;
  name: string;
  colour: string;
  hotkey: string | null;
}

interface StatusPayload extends ReviewLoopStatus {
  trainingJob: { id: number; state: string } | null;
}

interface PagePayload {
  labelerId: number | null;
  classifierId: number | null;
  modelId: number | null;
  cards: ReviewCard[];
  unavailable?: string;
}

interface Decision {
  card: ReviewCard;
  annotationId: number;
}

const PAGE_SIZE = 10;
const REFILL_BELOW = 3;
const STATUS_POLL_MS = 10_000;

const QUEUE_TITLES: Record<QueueKind, string> = {
  uncertain: 'Most uncertain (labeler)',
  'uncertain-label': 'Uncertain for one label',
  'no-label': 'No label or novel',
  disagreement: 'Classifier and labeler disagree',
};

/**
 * The labeler's answer as a selection: its labels, or none. A single-label collection takes only
 * the most probable of them, since the labeler may pass several thresholds at once.
 */
function startingSelection(card: ReviewCard | undefined, mode: 'single' | 'multi'): number[] {
  const labeler = card?.labeler;
  if (!labeler || labeler.labelIds.length === 0) return [];
  if (mode === 'multi') return labeler.labelIds;
  const top = labeler.scores
    .filter((score) => score.predicted)
    .reduce((best, score) => (score.probability > best.probability ? score : best));
  return [top.labelId];
}

export function ReviewWorkbench(props: {
  collection: { id: number; name: string; annotationMode: 'single' | 'multi'; randomShare: number };
  labels: ReviewLabel[];
  canTrain: boolean;
  initialStatus: StatusPayload;
}) {
  const { collection, labels, canTrain } = props;
  const [queue, setQueue] = useState<QueueKind>('uncertain');
  const [labelId, setLabelId] = useState<number>(labels[0]?.id ?? 0);
  const [cards, setCards] = useState<ReviewCard[]>([]);
  const [modelId, setModelId] = useState<number | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [selection, setSelection] = useState<number[]>([]);
  const [history, setHistory] = useState<Decision[]>([]);
  const [status, setStatus] = useState<StatusPayload>(props.initialStatus);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [loading, setLoading] = useState(false);
  const skipped = useRef<number[]>([]);
  const busy = useRef(false);
  const modelsSeen = useRef({
    labelerId: props.initialStatus.labelerId,
    classifierId: props.initialStatus.classifierId,
  });

  const labelById = useMemo(() => new Map(labels.map((label) => [label.id, label])), [labels]);
  const hotkeys = useMemo(
    () =>
      new Map(
        labels.flatMap((label) => (label.hotkey ? [[label.hotkey.toLowerCase(), label.id]] : [])),
      ),
    [labels],
  );
  const card = cards[0];

  const queueUrl = useCallback(
    (held: number[]) => {
      const search = new URLSearchParams({ queue, count: String(PAGE_SIZE) });
      if (queue === 'uncertain-label') search.set('label', String(labelId));
      const exclude = [...held, ...skipped.current].slice(-500);
      if (exclude.length > 0) search.set('exclude', exclude.join(','));
      return `/api/collections/${collection.id}/review/next?${search}`;
    },
    [collection.id, queue, labelId],
  );

  const load = useCallback(
    async (held: ReviewCard[]) => {
      setLoading(true);
      try {
        const page = await apiRequest<PagePayload>(queueUrl(held.map((c) => c.itemId)));
        const heldIds = new Set(held.map((c) => c.itemId));
        const fresh = page.cards.filter((c) => !heldIds.has(c.itemId));
        setCards([...held, ...fresh]);
        setModelId(page.modelId);
        setUnavailable(page.unavailable ?? null);
        modelsSeen.current = { labelerId: page.labelerId, classifierId: page.classifierId };
        if (held.length === 0) setSelection(startingSelection(fresh[0], collection.annotationMode));
      } catch (error) {
        setMessage({ kind: 'error', text: errorMessage(error) });
      } finally {
        setLoading(false);
      }
    },
    [queueUrl, collection.annotationMode],
  );

  useEffect(() => {
    skipped.current = [];
    void load([]);
  }, [load]);

  const advance = useCallback(
    (rest: ReviewCard[]) => {
      setCards(rest);
      setSelection(startingSelection(rest[0], collection.annotationMode));
      if (rest.length < REFILL_BELOW) void load(rest);
    },
    [load, collection.annotationMode],
  );

  const decide = useCallback(
    async (decision: { labelIds: number[]; none: boolean }) => {
      if (!card || busy.current) return;
      busy.current = true;
      try {
        const { annotation } = await apiRequest<{ annotation: { id: number } }>(
          `/api/items/${card.itemId}/reviews`,
          { method: 'POST', body: { ...decision, modelId, queue: card.queue } },
        );
        setHistory((past) => [...past, { card, annotationId: annotation.id }]);
        setStatus((s) => ({ ...s, reviewsSinceModel: s.reviewsSinceModel + 1 }));
        setMessage({
          kind: 'ok',
          text: decision.none
            ? `Saved item ${card.itemId} as none of these.`
            : `Saved item ${card.itemId}.`,
        });
        advance(cards.slice(1));
      } catch (error) {
        setMessage({ kind: 'error', text: errorMessage(error) });
      } finally {
        busy.current = false;
      }
    },
    [advance, card, cards, modelId],
  );

  const skip = useCallback(() => {
    if (!card) return;
    skipped.current.push(card.itemId);
    setMessage({ kind: 'ok', text: `Skipped item ${card.itemId}.` });
    advance(cards.slice(1));
  }, [advance, card, cards]);

  const undo = useCallback(async () => {
    const last = history.at(-1);
    if (!last || busy.current) return;
    busy.current = true;
    try {
      await apiRequest(`/api/items/${last.card.itemId}/reviews/undo`, {
        method: 'POST',
        body: { undoOf: last.annotationId },
      });
      setHistory((past) => past.slice(0, -1));
      setCards((current) => [last.card, ...current.filter((c) => c.itemId !== last.card.itemId)]);
      setSelection(startingSelection(last.card, collection.annotationMode));
      setMessage({ kind: 'ok', text: `Undid the decision on item ${last.card.itemId}.` });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(error) });
    } finally {
      busy.current = false;
    }
  }, [history, collection.annotationMode]);

  const toggle = useCallback(
    (id: number) => {
      setSelection((current) => {
        if (current.includes(id)) return current.filter((x) => x !== id);
        return collection.annotationMode === 'single' ? [id] : [...current, id];
      });
    },
    [collection.annotationMode],
  );

  const save = useCallback(() => {
    if (selection.length === 0) void decide({ labelIds: [], none: true });
    else void decide({ labelIds: selection, none: false });
  }, [decide, selection]);

  // The listener is bound once and reads the newest handlers from this ref, which is set during
  // render: a key pressed right after a new card appears acts on that card, never on the one
  // before it (an effect re-binding the listener would run a moment after the card is shown).
  const actions = useRef({ decide, save, skip, toggle, undo, hotkeys });
  actions.current = { decide, save, skip, toggle, undo, hotkeys };

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      const current = actions.current;
      const action = annotateKeyAction(
        {
          key: event.key,
          ctrlKey: event.ctrlKey,
          metaKey: event.metaKey,
          altKey: event.altKey,
          shiftKey: event.shiftKey,
          inEditable: isEditableTarget(event.target),
        },
        current.hotkeys,
      );
      if (!action || action.type === 'help') return;
      // Enter on a focused button would also click it; the workbench decides instead.
      event.preventDefault();
      if (action.type === 'toggle-label') current.toggle(action.labelId);
      else if (action.type === 'save') current.save();
      else if (action.type === 'none') void current.decide({ labelIds: [], none: true });
      else if (action.type === 'skip') current.skip();
      else if (action.type === 'undo') void current.undo();
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    const timer = setInterval(async () => {
      try {
        const next = await apiRequest<StatusPayload>(
          `/api/collections/${collection.id}/review/status`,
        );
        setStatus(next);
        const seen = modelsSeen.current;
        if (next.labelerId !== seen.labelerId || next.classifierId !== seen.classifierId) {
          modelsSeen.current = { labelerId: next.labelerId, classifierId: next.classifierId };
          setMessage({ kind: 'ok', text: 'A new model is active; the queue was refreshed.' });
          void load([]);
        }
      } catch {
        // A missed poll is retried on the next tick; the queue itself still works.
      }
    }, STATUS_POLL_MS);
    return () => clearInterval(timer);
  }, [collection.id, load]);

  async function retrain() {
    try {
      const { job } = await apiRequest<{ job: { id: number; state: string } }>(
        `/api/collections/${collection.id}/review/retrain`,
        { method: 'POST' },
      );
      setStatus((s) => ({ ...s, trainingJob: job }));
      setMessage({ kind: 'ok', text: `Training job ${job.id} was queued.` });
    } catch (error) {
      setMessage({ kind: 'error', text: errorMessage(error) });
    }
  }

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3">
        <label className="space-y-1">
          <span className="field-label">Queue</span>
          <select
            className="input"
            value={queue}
            onChange={(event) => setQueue(event.target.value as QueueKind)}
          >
            {(Object.keys(QUEUE_TITLES) as QueueKind[]).map((kind) => (
              <option key={kind} value={kind}>
                {QUEUE_TITLES[kind]}
              </option>
            ))}
          </select>
        </label>
        {queue === 'uncertain-label' ? (
          <label className="space-y-1">
            <span className="field-label">Label</span>
            <select
              className="input"
              value={labelId}
              onChange={(event) => setLabelId(Number(event.target.value))}
            >
              {labels.map((label) => (
                <option key={label.id} value={label.id}>
                  {label.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <p className="hint">
          {Math.round(collection.randomShare * 100)}% of each queue is random items, marked
          &ldquo;random&rdquo;.
        </p>
      </div>

      <LoopNotice status={status} canTrain={canTrain} onRetrain={retrain} />

      <p role="status" aria-live="polite" className="min-h-5 text-sm">
        {message ? (
          <span className={message.kind === 'error' ? 'text-danger' : 'text-ok'}>
            {message.text}
          </span>
        ) : null}
      </p>

      {card ? (
        <ReviewCardView
          card={card}
          labelById={labelById}
          labels={labels}
          selection={selection}
          onToggle={toggle}
          onSave={save}
          onNone={() => void decide({ labelIds: [], none: true })}
          onSkip={skip}
          onUndo={history.length > 0 ? () => void undo() : undefined}
        />
      ) : (
        <div className="card p-8 text-center text-muted">
          {loading ? 'Loading the queue…' : (unavailable ?? 'This queue is empty for now.')}
        </div>
      )}

      <p className="hint">
        Keys: Enter saves the selection (unchanged, it accepts the labeler&rsquo;s answer); label
        keys toggle labels; N none of these; S skip; Ctrl/⌘+Z undo. {history.length} decided this
        session.
      </p>
    </div>
  );
}

function LoopNotice(props: { status: StatusPayload; canTrain: boolean; onRetrain: () => void }) {
  const { status } = props;
  if (status.trainingJob) {
    return (
      <p className="alert-ok" data-testid="retrain-notice">
        Training job {status.trainingJob.id} is {status.trainingJob.state}; the queue refreshes when
        the new model is active.
      </p>
    );
  }
  if (!status.retrainDue) return null;
  return (
    <div className="alert-ok flex flex-wrap items-center gap-3" data-testid="retrain-notice">
      <span>
        {status.reviewsSinceModel} reviews since the active model was trained
        {status.autoRetrain ? '; the collection retrains by itself.' : '.'}
        {props.canTrain ? '' : ' An admin can retrain the models with them.'}
      </span>
      {props.canTrain ? (
        <button type="button" className="btn btn-primary btn-small" onClick={props.onRetrain}>
          Retrain now
        </button>
      ) : null}
    </div>
  );
}

function ReviewCardView(props: {
  card: ReviewCard;
  labels: ReviewLabel[];
  labelById: Map<number, ReviewLabel>;
  selection: number[];
  onToggle: (id: number) => void;
  onSave: () => void;
  onNone: () => void;
  onSkip: () => void;
  onUndo?: () => void;
}) {
  const { card, labelById } = props;
  const classifierLabel =
    card.classifier?.topLabelId != null ? labelById.get(card.classifier.topLabelId) : undefined;

  return (
    <article
      className="card grid gap-4 p-4 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]"
      data-item-id={card.itemId}
    >
      <div className="flex min-h-64 items-center justify-center bg-stone-100">
        <img
          src={`/api/items/${card.itemId}/image`}
          alt={card.title ?? card.sourceUri}
          className="max-h-[60vh] max-w-full object-contain"
        />
      </div>
      <div className="space-y-4">
        <div>
          <h2 className="text-lg font-semibold">{card.title ?? card.sourceUri}</h2>
          <p className="text-sm text-muted">
            Item {card.itemId} · queue {card.queue}
            {card.random ? ' (random pick)' : ''}
          </p>
        </div>

        <dl className="space-y-1 text-sm">
          <div>
            <dt className="inline font-medium">Classifier: </dt>
            <dd className="inline">
              {card.classifier && classifierLabel
                ? `${classifierLabel.name} (${card.classifier.topProbability.toFixed(2)})`
                : 'no prediction'}
            </dd>
          </div>
          <div>
            <dt className="inline font-medium">Labeler: </dt>
            <dd className="inline">
              {!card.labeler
                ? 'no prediction'
                : card.labeler.labelIds.length === 0
                  ? 'none of these'
                  : card.labeler.labelIds.map((id) => labelById.get(id)?.name ?? id).join(', ')}
            </dd>
          </div>
          {card.labeler?.novelty != null ? (
            <div>
              <dt className="inline font-medium">Novelty: </dt>
              <dd className="inline">
                {card.labeler.novelty.toFixed(2)}
                {card.labeler.noveltyThreshold != null
                  ? ` (threshold ${card.labeler.noveltyThreshold.toFixed(2)})`
                  : ''}
                {card.labeler.isNovel ? ' — novel: unlike the training items' : ''}
              </dd>
            </div>
          ) : null}
        </dl>

        {card.labeler ? (
          <ProbabilityBars scores={card.labeler.scores} labelById={labelById} />
        ) : null}

        <fieldset>
          <legend className="field-label">Your answer</legend>
          <div className="mt-1 flex flex-wrap gap-2">
            {props.labels.map((label) => (
              <button
                key={label.id}
                type="button"
                aria-pressed={props.selection.includes(label.id)}
                className="btn btn-small aria-pressed:border-accent aria-pressed:bg-accent-soft"
                onClick={() => props.onToggle(label.id)}
              >
                {label.hotkey ? <kbd className="mr-1 text-muted">{label.hotkey}</kbd> : null}
                <LabelChip name={label.name} colour={label.colour} />
                {props.selection.includes(label.id) ? (
                  <span className="font-semibold text-accent">✓ chosen</span>
                ) : null}
              </button>
            ))}
          </div>
          <p className="mt-2 text-sm" data-testid="selection">
            {props.selection.length === 0 ? (
              <NoneChip />
            ) : (
              props.selection.map((id) => labelById.get(id)?.name ?? id).join(', ')
            )}
          </p>
        </fieldset>

        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn btn-primary" onClick={props.onSave}>
            Save <kbd>Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={props.onNone}>
            None of these <kbd>N</kbd>
          </button>
          <button type="button" className="btn" onClick={props.onSkip}>
            Skip <kbd>S</kbd>
          </button>
          {props.onUndo ? (
            <button type="button" className="btn" onClick={props.onUndo}>
              Undo <kbd>Ctrl+Z</kbd>
            </button>
          ) : null}
        </div>
      </div>
    </article>
  );
}
