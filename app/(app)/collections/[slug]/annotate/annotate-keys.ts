/**
 * The annotate view's keyboard map, kept free of React and the DOM so that it can be tested
 * alone: label hotkeys toggle, N = none of these, Enter = save and next, S = skip, Ctrl/⌘+Z =
 * undo the last save, ? = the shortcut sheet.
 */

export type AnnotateKeyAction =
  | { type: 'toggle-label'; labelId: number }
  | { type: 'none' }
  | { type: 'save' }
  | { type: 'skip' }
  | { type: 'undo' }
  | { type: 'help' };

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  /** True while focus is in a text field, textarea, select or contenteditable element. */
  inEditable: boolean;
}

const EDITABLE_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** Whether an event target takes typing (a checkbox or button does not count). */
export function isEditableTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (!EDITABLE_TAGS.has(target.tagName)) return false;
  if (target instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  }
  return true;
}

export function annotateKeyAction(
  press: KeyPress,
  hotkeys: ReadonlyMap<string, number>,
): AnnotateKeyAction | null {
  if (press.inEditable) return null;

  const key = press.key.toLowerCase();
  const command = press.ctrlKey || press.metaKey;
  if (command && !press.altKey && !press.shiftKey && key === 'z') return { type: 'undo' };
  if (command || press.altKey) return null;

  // "?" needs Shift on most layouts; no other key is read with Shift held.
  if (press.key === '?') return { type: 'help' };
  if (press.shiftKey) return null;

  if (press.key === 'Enter') return { type: 'save' };
  if (key === 'n') return { type: 'none' };
  if (key === 's') return { type: 'skip' };
  const labelId = hotkeys.get(key);
  return labelId === undefined ? null : { type: 'toggle-label', labelId };
}
