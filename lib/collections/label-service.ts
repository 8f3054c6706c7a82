import { z } from 'zod';
import type { Db } from '@/db/client';
import { AppError, found } from '@/lib/errors';
import { addLabels, listLabels, type Label } from './collection-repo';
import { isValidHotkey, RESERVED_HOTKEYS } from './label-defaults';
import {
  countAnnotationsWithLabel,
  deleteLabelRow,
  getLabel,
  listLabelIds,
  setLabelPositions,
  updateLabelRow,
} from './label-repo';

/**
 * The rules of a collection's label schema: names and hotkeys are unique within a collection,
 * hotkeys are single keys the annotate view does not reserve, and a label that any annotation
 * (current or past) names cannot be deleted, because that would rewrite history.
 */

export const labelNameSchema = z.string().trim().min(1).max(80);
const colourSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour such as #0072B2.');
const hotkeySchema = z
  .string()
  .trim()
  .toLowerCase()
  .nullable()
  .transform((key) => (key === '' ? null : key));

export const newLabelSchema = z.object({
  name: labelNameSchema,
  description: z.string().trim().max(500).optional(),
  hotkey: hotkeySchema.optional(),
  colour: colourSchema.optional(),
});
export type NewLabelInput = z.infer<typeof newLabelSchema>;

export const labelChangesSchema = z
  .object({
    name: labelNameSchema.optional(),
    description: z.string().trim().max(500).optional(),
    hotkey: hotkeySchema.optional(),
    colour: colourSchema.optional(),
    /** The label's new 0-based place in the schema; the others shift to make room. */
    position: z.number().int().min(0).optional(),
  })
  .strict();
export type LabelChanges = z.infer<typeof labelChangesSchema>;

function assertHotkeyUsable(key: string): void {
  if (!isValidHotkey(key)) {
    const reserved = [...RESERVED_HOTKEYS].join(', ');
    throw new AppError(
      'validation_failed',
      `"${key}" cannot be a hotkey: use one digit or lower-case letter other than ${reserved}.`,
    );
  }
}

function assertUnique(
  labels: Pick<Label, 'name' | 'hotkey'>[],
  candidate: { name?: string; hotkey?: string | null },
): void {
  if (candidate.name !== undefined) {
    const clash = labels.find((label) => label.name === candidate.name);
    if (clash) throw new AppError('conflict', `A label named "${candidate.name}" already exists.`);
  }
  if (candidate.hotkey) {
    const clash = labels.find((label) => label.hotkey === candidate.hotkey);
    if (clash) {
      throw new AppError(
        'conflict',
        `The hotkey "${candidate.hotkey}" is taken by "${clash.name}".`,
      );
    }
  }
}

/** Adds labels after checking names and hotkeys against the schema and each other. */
export function addCheckedLabels(db: Db, collectionId: number, inputs: NewLabelInput[]): Label[] {
  return db.transaction(() => {
    const seen: Pick<Label, 'name' | 'hotkey'>[] = listLabels(db, collectionId);

    for (const input of inputs) {
      if (input.hotkey) assertHotkeyUsable(input.hotkey);
      assertUnique(seen, input);
      // Later inputs in the same batch are checked against this one too.
      seen.push({ name: input.name, hotkey: input.hotkey ?? null });
    }
    return addLabels(db, collectionId, inputs);
  });
}

export function updateLabel(db: Db, labelId: number, changes: LabelChanges): Label {
  return db.transaction(() => {
    const label = getLabel(db, labelId);
    if (!label) throw new AppError('not_found', `Label ${labelId} was not found.`);

    const others = listLabels(db, label.collectionId).filter((other) => other.id !== labelId);
    if (changes.hotkey) assertHotkeyUsable(changes.hotkey);
    assertUnique(others, changes);

    const { position, ...fields } = changes;
    if (position !== undefined) moveLabel(db, label, position);
    if (Object.values(fields).some((value) => value !== undefined)) {
      updateLabelRow(db, labelId, fields);
    }
    return found(getLabel(db, labelId), `Label ${labelId}`);
  });
}

function moveLabel(db: Db, label: Label, position: number): void {
  const ids = listLabelIds(db, label.collectionId).filter((id) => id !== label.id);
  ids.splice(Math.min(position, ids.length), 0, label.id);
  setLabelPositions(db, label.collectionId, ids);
}

/** Deletes an unused label; a label in use gets a 409 that says how many annotations use it. */
export function deleteLabel(db: Db, labelId: number): void {
  db.transaction(() => {
    const label = getLabel(db, labelId);
    if (!label) throw new AppError('not_found', `Label ${labelId} was not found.`);

    const uses = countAnnotationsWithLabel(db, labelId);
    if (uses > 0) {
      const noun = uses === 1 ? 'annotation uses' : 'annotations use';
      throw new AppError(
        'conflict',
        `"${label.name}" cannot be deleted: ${uses} ${noun} it (history included). ` +
          'Rename it instead.',
      );
    }

    deleteLabelRow(db, labelId);
    setLabelPositions(db, label.collectionId, listLabelIds(db, label.collectionId));
  });
}
