'use client';

import { useEffect, useRef } from 'react';
import type { AnnotateLabel } from './annotate-types';

/** The keyboard shortcuts as a modal dialog; Esc (native to <dialog>) or the button closes it. */
export function ShortcutSheet(props: {
  open: boolean;
  labels: AnnotateLabel[];
  single: boolean;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) element.showModal();
    if (!props.open && element.open) element.close();
  }, [props.open]);

  const rows: [string, string][] = [
    ...props.labels
      .filter((label) => label.hotkey)
      .map((label): [string, string] => [
        label.hotkey!.toUpperCase(),
        `${props.single ? 'Choose' : 'Toggle'} “${label.name}”`,
      ]),
    ['N', 'None of these'],
    ['Enter', 'Save and go to the next item'],
    ['S', 'Skip (it comes back at the end)'],
    ['Ctrl/⌘ + Z', 'Undo the last save'],
    ['?', 'Show this sheet'],
    ['Esc', 'Close this sheet'],
  ];

  return (
    <dialog
      ref={dialog}
      aria-labelledby="shortcut-sheet-heading"
      onClose={props.onClose}
      className="m-auto w-full max-w-md rounded-lg border border-line bg-white p-6 shadow-lg backdrop:bg-black/40"
    >
      <h2 id="shortcut-sheet-heading" className="mb-3">
        Keyboard shortcuts
      </h2>
      <table className="data-table">
        <tbody>
          {rows.map(([key, action]) => (
            <tr key={key}>
              <td className="w-28">
                <kbd className="rounded border border-line bg-stone-50 px-1.5 py-0.5 font-mono text-xs">
                  {key}
                </kbd>
              </td>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">Shortcuts do nothing while a text field has focus.</p>
      <div className="mt-4 text-right">
        <button type="button" className="btn" onClick={props.onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
