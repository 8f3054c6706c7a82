import { describe, expect, it } from 'vitest';
import {
  annotateKeyAction,
  type KeyPress,
} from '@/app/(app)/collections/[slug]/annotate/annotate-keys';

const hotkeys = new Map([
  ['1', 11],
  ['g', 12],
]);
const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  inEditable: false,
  ...extra,
});

describe('annotateKeyAction', () => {
  it('maps label hotkeys, N, S, Enter and ? to their actions', () => {
    expect(annotateKeyAction(press('1'), hotkeys)).toEqual({ type: 'toggle-label', labelId: 11 });
    expect(annotateKeyAction(press('G', { shiftKey: false }), hotkeys)).toEqual({
      type: 'toggle-label',
      labelId: 12,
    });
    expect(annotateKeyAction(press('n'), hotkeys)).toEqual({ type: 'none' });
    expect(annotateKeyAction(press('s'), hotkeys)).toEqual({ type: 'skip' });
    expect(annotateKeyAction(press('Enter'), hotkeys)).toEqual({ type: 'save' });
    expect(annotateKeyAction(press('?', { shiftKey: true }), hotkeys)).toEqual({ type: 'help' });
  });

  it('undoes on Ctrl+Z and on Command+Z', () => {
    expect(annotateKeyAction(press('z', { ctrlKey: true }), hotkeys)).toEqual({ type: 'undo' });
    expect(annotateKeyAction(press('z', { metaKey: true }), hotkeys)).toEqual({ type: 'undo' });
  });

  it('ignores every key while a text field has focus', () => {
    for (const key of ['1', 'n', 's', 'Enter', '?']) {
      expect(annotateKeyAction(press(key, { inEditable: true }), hotkeys)).toBeNull();
    }
    expect(annotateKeyAction(press('z', { ctrlKey: true, inEditable: true }), hotkeys)).toBeNull();
  });

  it('ignores hotkeys held with other modifiers, such as Ctrl+1, Alt+N or Ctrl+Shift+Z', () => {
    expect(annotateKeyAction(press('1', { ctrlKey: true }), hotkeys)).toBeNull();
    expect(annotateKeyAction(press('n', { altKey: true }), hotkeys)).toBeNull();
    expect(annotateKeyAction(press('s', { metaKey: true }), hotkeys)).toBeNull();
    expect(annotateKeyAction(press('z', { ctrlKey: true, shiftKey: true }), hotkeys)).toBeNull();
    expect(annotateKeyAction(press('N', { shiftKey: true }), hotkeys)).toBeNull();
  });

  it('does nothing for keys that are not bound', () => {
    expect(annotateKeyAction(press('x'), hotkeys)).toBeNull();
    expect(annotateKeyAction(press('Tab'), hotkeys)).toBeNull();
  });
});
