'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { apiRequest, errorMessage } from '@/components/api-request';

export interface EditableLabel {
  id: number;
  name: string;
  description: string;
  hotkey: string | null;
  colour: string;
  position: number;
  annotationCount: number;
}

interface Props {
  collectionId: number;
  labels: EditableLabel[];
  reservedHotkeys: string[];
}

type Status = { ok: boolean; text: string } | null;

/** The label schema: every change is saved through the API, then the page data is refreshed. */
export function LabelSchemaEditor({ collectionId, labels, reservedHotkeys }: Props) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>(null);
  const [busy, setBusy] = useState(false);

  async function run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    setBusy(true);
    setStatus(null);
    try {
      await action();
      setStatus({ ok: true, text: done });
      router.refresh();
      return true;
    } catch (error) {
      setStatus({ ok: false, text: errorMessage(error) });
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function addLabel(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const hotkey = String(form.get('hotkey') ?? '').trim();
    const added = await run(
      () =>
        apiRequest(`/api/collections/${collectionId}/labels`, {
          method: 'POST',
          body: {
            labels: [
              {
                name: form.get('name'),
                description: form.get('description') || undefined,
                // Left empty, the server picks the next free hotkey.
                ...(hotkey ? { hotkey } : {}),
              },
            ],
          },
        }),
      `Added “${String(form.get('name'))}”.`,
    );
    if (added) formElement.reset();
  }

  return (
    <section aria-labelledby="labels-heading" className="card p-5">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="labels-heading">Labels</h2>
        <p className="text-xs text-muted">
          Hotkeys are one digit or lower-case letter; {reservedHotkeys.join(', ')} are reserved. A
          label used by any annotation can be renamed but not deleted.
        </p>
      </div>

      <div aria-live="polite" className="mb-3 min-h-0">
        {status && (
          <p
            role={status.ok ? 'status' : 'alert'}
            className={status.ok ? 'alert-ok' : 'alert-error'}
          >
            {status.text}
          </p>
        )}
      </div>

      {labels.length === 0 ? (
        <p className="mb-4 text-sm text-muted">No labels yet; add the first one below.</p>
      ) : (
        <div className="mb-5 rounded-md border border-line">
          {/* Column headings for sighted users; each field also has its own (hidden) label. */}
          <div
            aria-hidden="true"
            className="hidden gap-2 border-b border-line bg-stone-50 px-3 py-1.5 text-xs font-semibold tracking-wide text-muted uppercase md:grid md:grid-cols-[3.5rem_2fr_3fr_4.5rem_11rem]"
          >
            <span>Colour</span>
            <span>Name</span>
            <span>Description</span>
            <span>Hotkey</span>
            <span />
          </div>
          <ol className="divide-y divide-line" aria-label="Labels in order">
            {labels.map((label, index) => (
              <LabelRow
                key={`${label.id}-${label.name}-${label.hotkey}-${label.colour}-${label.description}`}
                label={label}
                isFirst={index === 0}
                isLast={index === labels.length - 1}
                busy={busy}
                run={run}
              />
            ))}
          </ol>
        </div>
      )}

      <form
        onSubmit={addLabel}
        className="grid items-end gap-3 rounded-md bg-stone-50 p-3 sm:grid-cols-[2fr_3fr_5rem_auto]"
      >
        <div>
          <label htmlFor="new-label-name" className="field-label">
            New label
          </label>
          <input id="new-label-name" name="name" required maxLength={80} className="input" />
        </div>
        <div>
          <label htmlFor="new-label-description" className="field-label">
            Description
          </label>
          <input id="new-label-description" name="description" maxLength={500} className="input" />
        </div>
        <div>
          <label htmlFor="new-label-hotkey" className="field-label">
            Hotkey
          </label>
          <input
            id="new-label-hotkey"
            name="hotkey"
            maxLength={1}
            placeholder="auto"
            className="input text-center font-mono"
          />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Add label
        </button>
      </form>
    </section>
  );
}

function LabelRow(props: {
  label: EditableLabel;
  isFirst: boolean;
  isLast: boolean;
  busy: boolean;
  run: (action: () => Promise<unknown>, done: string) => Promise<boolean>;
}) {
  const { label, busy, run } = props;
  const prefix = `label-${label.id}`;

  function patch(body: Record<string, unknown>, done: string) {
    return run(() => apiRequest(`/api/labels/${label.id}`, { method: 'PATCH', body }), done);
  }

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const hotkey = String(form.get('hotkey') ?? '').trim();
    await patch(
      {
        name: form.get('name'),
        description: form.get('description'),
        colour: form.get('colour'),
        hotkey: hotkey === '' ? null : hotkey,
      },
      `Saved “${String(form.get('name'))}”.`,
    );
  }

  async function remove() {
    if (!window.confirm(`Delete the label “${label.name}”?`)) return;
    await run(
      () => apiRequest(`/api/labels/${label.id}`, { method: 'DELETE' }),
      `Deleted “${label.name}”.`,
    );
  }

  return (
    <li className="px-3 py-2">
      <form
        onSubmit={save}
        className="grid items-center gap-2 md:grid-cols-[3.5rem_2fr_3fr_4.5rem_11rem]"
      >
        <div>
          <label htmlFor={`${prefix}-colour`} className="sr-only">
            Colour
          </label>
          <input
            id={`${prefix}-colour`}
            name="colour"
            type="color"
            defaultValue={label.colour}
            className="h-8 w-10 cursor-pointer rounded border border-stone-300 bg-white p-0.5"
          />
        </div>
        <div>
          <label htmlFor={`${prefix}-name`} className="sr-only">
            Name
          </label>
          <input
            id={`${prefix}-name`}
            name="name"
            required
            maxLength={80}
            defaultValue={label.name}
            className="input"
          />
        </div>
        <div>
          <label htmlFor={`${prefix}-description`} className="sr-only">
            Description
          </label>
          <input
            id={`${prefix}-description`}
            name="description"
            maxLength={500}
            defaultValue={label.description}
            className="input"
          />
        </div>
        <div>
          <label htmlFor={`${prefix}-hotkey`} className="sr-only">
            Hotkey
          </label>
          <input
            id={`${prefix}-hotkey`}
            name="hotkey"
            maxLength={1}
            defaultValue={label.hotkey ?? ''}
            className="input text-center font-mono"
          />
        </div>
        <div className="flex flex-wrap items-center gap-1">
          <button type="submit" className="btn btn-small" disabled={busy}>
            Save
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy || props.isFirst}
            onClick={() => patch({ position: label.position - 1 }, `Moved “${label.name}” up.`)}
            aria-label={`Move ${label.name} up`}
          >
            ↑
          </button>
          <button
            type="button"
            className="btn btn-small"
            disabled={busy || props.isLast}
            onClick={() => patch({ position: label.position + 1 }, `Moved “${label.name}” down.`)}
            aria-label={`Move ${label.name} down`}
          >
            ↓
          </button>
          <button
            type="button"
            className="btn btn-small btn-danger"
            disabled={busy}
            onClick={remove}
            aria-label={`Delete ${label.name}`}
          >
            Delete
          </button>
        </div>
      </form>
      <p className="mt-1 text-xs text-muted">
        Position {label.position + 1} ·{' '}
        {label.annotationCount === 0
          ? 'not used by any annotation'
          : `used by ${label.annotationCount} annotation${label.annotationCount === 1 ? '' : 's'}`}
      </p>
    </li>
  );
}
