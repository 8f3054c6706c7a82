'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';
import { countNoLabel, type PrPoint } from '@/lib/training/comparison';
import { PrCurveChart } from './comparison-charts';

/**
 * Per label: the labeler's validation PR curve, its threshold as a slider, and how many items
 * would get no label at that setting (all labels' thresholds applied, this one as on the
 * slider). Saving re-derives the labeler's stored predictions on the server.
 */
export function ThresholdExplorer({
  modelId,
  labels,
  thresholds,
  prCurves,
  probabilities,
  mayEdit,
}: {
  modelId: number;
  labels: { id: number; name: string }[];
  thresholds: number[];
  prCurves: PrPoint[][];
  probabilities: number[][];
  mayEdit: boolean;
}) {
  const router = useRouter();
  const [labelIndex, setLabelIndex] = useState(0);
  const [draft, setDraft] = useState<number[]>(thresholds);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const noLabelNow = useMemo(
    () => countNoLabel(probabilities, thresholds),
    [probabilities, thresholds],
  );
  const noLabelDraft = useMemo(() => countNoLabel(probabilities, draft), [probabilities, draft]);
  const curve = prCurves[labelIndex] ?? [];
  const threshold = draft[labelIndex] ?? 0.5;
  // The curve's point nearest the threshold (its points are sorted by falling threshold).
  const current = curve.reduce<PrPoint | null>(
    (best, point) =>
      best === null || Math.abs(point.threshold - threshold) < Math.abs(best.threshold - threshold)
        ? point
        : best,
    null,
  );
  const assigned = probabilities.filter((row) => (row[labelIndex] ?? 0) >= threshold).length;

  async function save() {
    setMessage(null);
    try {
      const { items } = await apiRequest<{ items: number }>(`/api/models/${modelId}/thresholds`, {
        method: 'PATCH',
        body: { thresholds: { [String(labels[labelIndex].id)]: threshold } },
      });
      setMessage({ ok: true, text: `Saved; ${items} predictions were re-derived.` });
      router.refresh();
    } catch (failure) {
      setMessage({ ok: false, text: errorMessage(failure) });
    }
  }

  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div>
        <PrCurveChart points={curve} current={current} />
      </div>
      <div className="space-y-3 text-sm">
        <label className="block">
          <span className="field-label">Label</span>
          <select
            className="input"
            value={labelIndex}
            onChange={(e) => setLabelIndex(Number(e.target.value))}
          >
            {labels.map((label, index) => (
              <option key={label.id} value={index}>
                {label.name}
              </option>
            ))}
          </select>
        </label>
        <label className="block">
          <span className="field-label">
            Threshold for &ldquo;{labels[labelIndex]?.name}&rdquo;: {threshold.toFixed(2)}
          </span>
          <input
            type="range"
            className="w-full"
            min={0.01}
            max={0.99}
            step={0.01}
            value={threshold}
            onChange={(e) =>
              setDraft((old) => old.map((t, i) => (i === labelIndex ? Number(e.target.value) : t)))
            }
          />
        </label>
        <p>
          At this threshold: precision {current ? current.precision.toFixed(3) : '—'}, recall{' '}
          {current ? current.recall.toFixed(3) : '—'} on validation; {assigned} items get this
          label.
        </p>
        <p data-testid="no-label-count">
          Items with no label: <strong>{noLabelDraft}</strong> of {probabilities.length} (now{' '}
          {noLabelNow}).
        </p>
        {mayEdit && (
          <button className="btn btn-primary" type="button" onClick={save}>
            Save this threshold
          </button>
        )}
        {message && <p className={message.ok ? 'alert-ok' : 'alert-error'}>{message.text}</p>}
      </div>
    </div>
  );
}
