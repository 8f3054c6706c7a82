'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';

interface Props {
  collection: { id: number; name: string; description: string; annotationMode: 'single' | 'multi' };
}

export function CollectionDetailsForm({ collection }: Props) {
  const router = useRouter();
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setStatus(null);
    try {
      await apiRequest(`/api/collections/${collection.id}`, {
        method: 'PATCH',
        body: {
          name: form.get('name'),
          description: form.get('description'),
          annotationMode: form.get('annotationMode'),
        },
      });
      setStatus({ ok: true, text: 'Saved.' });
      router.refresh();
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="details-heading" className="card p-5">
      <h2 id="details-heading" className="mb-3">
        Collection
      </h2>
      <form onSubmit={submit} className="space-y-4">
        <div className="grid gap-4 sm:grid-cols-[2fr_1fr]">
          <div>
            <label htmlFor="collection-name" className="field-label">
              Name
            </label>
            <input
              id="collection-name"
              name="name"
              required
              maxLength={120}
              defaultValue={collection.name}
              className="input"
            />
          </div>
          <div>
            <label htmlFor="collection-mode" className="field-label">
              Annotation mode
            </label>
            <select
              id="collection-mode"
              name="annotationMode"
              defaultValue={collection.annotationMode}
              className="input"
            >
              <option value="single">Single label</option>
              <option value="multi">Multi-label</option>
            </select>
          </div>
        </div>
        <div>
          <label htmlFor="collection-description" className="field-label">
            Description
          </label>
          <textarea
            id="collection-description"
            name="description"
            rows={3}
            maxLength={2000}
            defaultValue={collection.description}
            className="input"
          />
        </div>
        <div className="flex items-center gap-3">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          {status && (
            <p
              role={status.ok ? 'status' : 'alert'}
              className={status.ok ? 'text-sm text-ok' : 'alert-error'}
            >
              {status.text}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}
