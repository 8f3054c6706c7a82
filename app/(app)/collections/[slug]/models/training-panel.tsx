'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import { apiRequest, errorMessage } from '@/components/api-request';

type Kind = 'classifier' | 'labeler';

interface ProgressEvent {
  stage?: 'embed' | 'train' | 'score' | 'ready';
  state?: string;
  kind?: Kind;
  done?: number;
  total?: number;
  loss?: number;
  valLoss?: number | null;
  valMetric?: number | null;
  etaMs?: number | null;
  error?: string;
}

export interface ActiveJob {
  id: number;
  state: string;
}

const FINAL_STATES = ['succeeded', 'failed', 'cancelled'];
const MAX_EPOCH_POINTS = 1000;
const MIN_EPOCH_POINTS = 3;

function describeProgress(event: ProgressEvent | null): string {
  if (!event) return 'Waiting for the worker…';
  if (event.state === 'queued') return 'Queued; waiting for the worker.';
  if (event.state === 'running' && !event.stage) return 'The worker started.';
  if (event.state === 'succeeded') return 'Done.';
  if (event.state === 'failed') return `Failed: ${event.error ?? 'see the job history'}.`;
  if (event.state === 'cancelled') return 'Cancelled.';
  switch (event.stage) {
    case 'embed':
      return `Embedding images: ${event.done} of ${event.total}`;
    case 'train': {
      const val =
        event.valLoss === null || event.valLoss === undefined
          ? ''
          : `, validation loss ${event.valLoss.toFixed(4)}`;
      const f1 =
        event.valMetric === null || event.valMetric === undefined
          ? ''
          : `, validation macro-F1 ${event.valMetric.toFixed(3)}`;
      return `Training the ${event.kind}: epoch ${event.done} of at most ${event.total}, loss ${event.loss?.toFixed(4)}${val}${f1}`;
    }
    case 'score':
      return `Scoring ${event.done} items with the ${event.kind}`;
    case 'ready':
      return `The ${event.kind} is ready and active.`;
    default:
      return 'Working…';
  }
}

function formatEta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return 'under a second left';
  const seconds = Math.round(ms / 1000);
  return seconds < 90 ? `about ${seconds} s left` : `about ${Math.round(seconds / 60)} min left`;
}

/** Follows a job's server-sent events; EventSource reconnects with Last-Event-ID by itself. */
function useJobEvents(jobId: number | null, onFinished: () => void) {
  const [latest, setLatest] = useState<ProgressEvent | null>(null);
  const [epochs, setEpochs] = useState<ProgressEvent[]>([]);
  const [finished, setFinished] = useState(false);

  useEffect(() => {
    if (jobId === null) return;
    setFinished(false);
    setEpochs([]);
    const source = new EventSource(`/api/jobs/${jobId}/events`);
    const receive = (message: MessageEvent<string>) => {
      const event = JSON.parse(message.data) as ProgressEvent;
      setLatest(event);
      if (event.stage === 'train') setEpochs((old) => [...old, event].slice(-MAX_EPOCH_POINTS));
      if (event.state && FINAL_STATES.includes(event.state)) {
        source.close();
        setFinished(true);
        onFinished();
      }
    };
    source.addEventListener('progress', receive);
    source.addEventListener('state', receive);
    return () => source.close();
    // Subscribing again when onFinished changes would replay the stream; the job id decides.
  }, [jobId]);

  return { latest, finished, epochs };
}

export function TrainingPanel({
  collectionId,
  activeJob,
  mayTrain,
  fineTuneUnavailableReason,
}: {
  collectionId: number;
  activeJob: ActiveJob | null;
  mayTrain: boolean;
  fineTuneUnavailableReason: string | null;
}) {
  const router = useRouter();
  const [jobId, setJobId] = useState<number | null>(activeJob?.id ?? null);
  const [kinds, setKinds] = useState<Kind[]>(['classifier', 'labeler']);
  const [epochs, setEpochs] = useState(100);
  const [hidden, setHidden] = useState(false);
  const [balanced, setBalanced] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { latest, finished, epochs: epochEvents } = useJobEvents(jobId, () => router.refresh());
  const running = jobId !== null && !finished;

  function toggleKind(kind: Kind, on: boolean) {
    setKinds((current) =>
      on ? [...new Set([...current, kind])] : current.filter((k) => k !== kind),
    );
  }

  async function start(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { job } = await apiRequest<{ job: ActiveJob }>(
        `/api/collections/${collectionId}/training`,
        {
          method: 'POST',
          body: {
            kinds,
            options: {
              epochs,
              hiddenUnits: hidden ? 256 : 0,
              classWeights: balanced ? 'balanced' : 'none',
            },
          },
        },
      );
      setJobId(job.id);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    if (jobId === null) return;
    try {
      await apiRequest(`/api/jobs/${jobId}/cancel`, { method: 'POST' });
    } catch (failure) {
      setError(errorMessage(failure));
    }
  }

  return (
    <div className="space-y-4">
      {mayTrain && (
        <form onSubmit={start} className="space-y-3" aria-label="Train models">
          <fieldset className="flex flex-wrap gap-4">
            <legend className="field-label">Models to train (on one annotation snapshot)</legend>
            {(['classifier', 'labeler'] as const).map((kind) => (
              <label key={kind} className="flex items-center gap-1.5 text-sm">
                <input
                  type="checkbox"
                  checked={kinds.includes(kind)}
                  onChange={(e) => toggleKind(kind, e.target.checked)}
                  disabled={running}
                />
                {kind === 'classifier'
                  ? 'Classifier (softmax, one label per item)'
                  : 'Labeler (sigmoid, thresholds, may say "none")'}
              </label>
            ))}
          </fieldset>
          <div className="flex flex-wrap items-end gap-4">
            <label className="text-sm">
              <span className="field-label">Maximum epochs</span>
              <input
                className="input w-28"
                type="number"
                min={1}
                max={1000}
                value={epochs}
                onChange={(e) => setEpochs(Number(e.target.value))}
                disabled={running}
              />
            </label>
            <label className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                checked={hidden}
                onChange={(e) => setHidden(e.target.checked)}
                disabled={running}
              />
              Hidden layer (256 units)
            </label>
            <label className="flex items-center gap-1.5 text-sm">
              <input
                type="checkbox"
                checked={balanced}
                onChange={(e) => setBalanced(e.target.checked)}
                disabled={running}
              />
              Balanced class weights
            </label>
            <label
              className="flex items-center gap-1.5 text-sm text-muted"
              title={fineTuneUnavailableReason ?? ''}
            >
              <input type="checkbox" disabled checked={false} readOnly />
              Fine-tune the backbone top
            </label>
          </div>
          {fineTuneUnavailableReason && (
            <p className="hint">Fine-tuning: {fineTuneUnavailableReason}</p>
          )}
          <div className="flex gap-2">
            <button
              className="btn btn-primary"
              type="submit"
              disabled={running || busy || kinds.length === 0}
            >
              {running ? 'Training…' : 'Train'}
            </button>
            {running && (
              <button className="btn btn-danger" type="button" onClick={cancel}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
      {error && (
        <p className="alert-error" role="alert">
          {error}
        </p>
      )}
      {jobId !== null && (
        <div className="rounded-md border border-line bg-paper p-3 text-sm" aria-live="polite">
          <p className="font-medium">Job {jobId}</p>
          <p data-testid="training-progress">{describeProgress(latest)}</p>
          {latest?.total ? (
            <progress className="w-full" max={latest.total} value={latest.done ?? 0} />
          ) : null}
          {running && <p className="hint">{formatEta(latest?.etaMs)}</p>}
          <LossChart events={epochEvents} />
        </div>
      )}
    </div>
  );
}

/** Loss per reported epoch of each kind (writes are throttled, so some epochs are skipped). */
function LossChart({ events }: { events: ProgressEvent[] }) {
  // A short run reports too few epochs (writes are throttled) for a line to say anything.
  const kinds = [...new Set(events.map((event) => event.kind))].filter(
    (kind) => events.filter((event) => event.kind === kind).length >= MIN_EPOCH_POINTS,
  );
  if (kinds.length === 0) return null;
  return (
    <div className="mt-2 grid gap-3 md:grid-cols-2">
      {kinds.map((kind) => (
        <figure key={kind}>
          <figcaption className="text-xs font-medium">{kind}: loss per epoch</figcaption>
          <div className="h-40 w-full">
            <ResponsiveContainer>
              <LineChart data={events.filter((event) => event.kind === kind)}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="done" />
                <YAxis width={40} />
                <Legend />
                <Line
                  dataKey="loss"
                  name="training loss (solid)"
                  stroke="#1d5b6b"
                  dot={false}
                  isAnimationActive={false}
                />
                <Line
                  dataKey="valLoss"
                  name="validation loss (dashed)"
                  stroke="#b35c00"
                  strokeDasharray="6 3"
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </figure>
      ))}
    </div>
  );
}
