'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';

/** One label per line (or comma-separated); blank lines and repeats are dropped. */
function parseLabelList(text: string): string[] {
  const names = text
    .split(/[\n,]/)
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  return [...new Set(names)];
}

export function NewCollectionForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const { collection } = await apiRequest<{ collection: { slug: string } }>(
        '/api/collections',
        {
          method: 'POST',
          body: {
            name: form.get('name'),
            description: form.get('description'),
            annotationMode: form.get('annotationMode'),
            labels: parseLabelList(String(form.get('labels') ?? '')),
          },
        },
      );
      router.push(`/collections/${collection.slug}`);
      router.refresh();
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="card space-y-5 p-6">
      <div>
        <label htmlFor="name" className="field-label">
          Name
        </label>
        <input id="name" name="name" required maxLength={120} className="input" />
      </div>
      <div>
        <label htmlFor="description" className="field-label">
          Description <span className="font-normal text-muted">(optional)</span>
        </label>
        <textarea id="description" name="description" rows={3} maxLength={2000} className="input" />
      </div>
      <fieldset>
        <legend className="field-label">Annotation mode</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          <label className="flex cursor-pointer gap-2 rounded-md border border-line bg-white p-3 has-[:checked]:border-accent has-[:checked]:bg-accent-soft">
            <input
              type="radio"
              name="annotationMode"
              value="single"
              defaultChecked
              className="mt-1"
            />
            <span>
              <span className="block font-medium">Single label</span>
              <span className="text-xs text-muted">
                Each item gets exactly one label, or none of these.
              </span>
            </span>
          </label>
          <label className="flex cursor-pointer gap-2 rounded-md border border-line bg-white p-3 has-[:checked]:border-accent has-[:checked]:bg-accent-soft">
            <input type="radio" name="annotationMode" value="multi" className="mt-1" />
            <span>
              <span className="block font-medium">Multi-label</span>
              <span className="text-xs text-muted">An item may carry several labels at once.</span>
            </span>
          </label>
        </div>
      </fieldset>
      <div>
        <label htmlFor="labels" className="field-label">
          Initial labels
        </label>
        <textarea
          id="labels"
          name="labels"
          rows={6}
          aria-describedby="labels-hint"
          className="input font-mono"
          placeholder={'Portrait\nLandscape\nStill life'}
        />
        <p id="labels-hint" className="hint">
          One per line. Hotkeys 1–9, 0, then letters are assigned in this order; you can change them
          later in the settings.
        </p>
      </div>
      {error && (
        <p role="alert" className="alert-error">
          {error}
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create collection'}
        </button>
      </div>
    </form>
  );
}
