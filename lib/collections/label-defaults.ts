/**
 * Defaults for new labels: hotkeys run 1–9, 0, then letters, skipping the keys the annotate view
 * reserves (n: none of these, s: skip); colours cycle through a palette that stays
 * distinguishable for common colour-vision deficiencies (Okabe–Ito, plus darker companions).
 */

export const RESERVED_HOTKEYS = new Set(['n', 's', '?']);

const HOTKEY_ORDER = [
  ...'1234567890'.split(''),
  ...'abcdefghijklmopqrtuvwxyz'.split('').filter((key) => !RESERVED_HOTKEYS.has(key)),
];

export const LABEL_PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
  '#7F3C8D',
  '#11A579',
  '#3969AC',
  '#E68310',
];

/** The first hotkey not already taken, or null when all are used. */
export function nextFreeHotkey(taken: Iterable<string | null>): string | null {
  const used = new Set([...taken].filter((key): key is string => key !== null));
  return HOTKEY_ORDER.find((key) => !used.has(key)) ?? null;
}

export function colourForPosition(position: number): string {
  return LABEL_PALETTE[position % LABEL_PALETTE.length];
}

export function isValidHotkey(key: string): boolean {
  return /^[0-9a-z]$/.test(key) && !RESERVED_HOTKEYS.has(key);
}
