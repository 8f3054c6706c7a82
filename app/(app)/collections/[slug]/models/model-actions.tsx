'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';

/** Makes an earlier ready model active again. */
export function ActivateModelButton({ modelId }: { modelId: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function activate() {
    setBusy(true);
    setError(null);
    try {
      await apiRequest(`/api/models/${modelId}/activate`, { method: 'POST' });
      router.refresh();
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span>
      <button className="btn btn-small" type="button" onClick={activate} disabled={busy}>
        Roll back to this
      </button>
      {error && <span className="ml-2 text-xs text-danger">{error}</span>}
    </span>
  );
}

/** The collection's auto-retrain policy: off, or retrain after N new annotations. */
export function AutoRetrainForm({
  collectionId,
  autoRetrainAfter,
}: {
  collectionId: number;
  autoRetrainAfter: number | null;
}) {
  const router = useRouter();
  const [enabled, setEnabled] = useState(autoRetrainAfter !== null);
  const [count, setCount] = useState(autoRetrainAfter ?? 50);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function save(event: React.FormEvent) {
    event.preventDefault();
    try {
      await apiRequest(`/api/collections/${collectionId}`, {
        method: 'PATCH',
        body: { autoRetrainAfter: enabled ? count : null },
      });
      setMessage({
        ok: true,
        text: enabled ? `Retrains after ${count} new annotations.` : 'Auto-retrain is off.',
      });
      router.refresh();
    } catch (failure) {
      setMessage({ ok: false, text: errorMessage(failure) });
    }
  }

  return (
    <form onSubmit={save} className="flex flex-wrap items-end gap-3" aria-label="Auto-retrain">
      <label className="flex items-center gap-1.5 text-sm">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Retrain both models automatically after
      </label>
      <input
        className="input w-24"
        type="number"
        min={1}
        value={count}
        aria-label="New annotations before retraining"
        onChange={(e) => setCount(Number(e.target.value))}
        disabled={!enabled}
      />
      <span className="text-sm">new annotations</span>
      <button className="btn" type="submit">
        Save
      </button>
      {message && <p className={message.ok ? 'alert-ok' : 'alert-error'}>{message.text}</p>}
    </form>
  );
}
