import { createRandom, shuffleInPlace } from './random';

/**
 * Seeded, stratified train/validation split. Each stratum (for a classifier the label, for a
 * labeler the label set or "none") gives the same share of its items to validation, so a rare
 * label is not left out of one side by chance.
 */

export interface SplitOptions {
  validationFraction: number;
  seed: number;
}

export interface Split {
  train: number[];
  validation: number[];
}

export function stratifiedSplit(strata: readonly string[], options: SplitOptions): Split {
  const random = createRandom(options.seed);
  const groups = new Map<string, number[]>();
  strata.forEach((stratum, index) => {
    const group = groups.get(stratum) ?? [];
    group.push(index);
    groups.set(stratum, group);
  });

  const train: number[] = [];
  const validation: number[] = [];
  const keys = [...groups.keys()].sort();
  for (const key of keys) {
    const members = shuffleInPlace(groups.get(key) ?? [], random);
    // A stratum of one stays in training: a label the model never saw cannot be validated.
    const wanted = members.length < 2 ? 0 : Math.round(members.length * options.validationFraction);
    const validationCount = Math.min(members.length - 1, Math.max(1, wanted));
    validation.push(...members.slice(0, members.length < 2 ? 0 : validationCount));
    train.push(...members.slice(members.length < 2 ? 0 : validationCount));
  }

  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

/** The stratum of a multi-label target: its sorted label set, or "none". */
export function labelSetStratum(labelIds: readonly number[]): string {
  return labelIds.length === 0 ? 'none' : [...labelIds].sort((a, b) => a - b).join('+');
}
