import path from 'node:path';

/**
 * The team's shared evaluation material (datasets, a backbone, IIIF manifests) sits beside the
 * repository as `../shared`, on developers' machines and in CI alike. Its licences forbid
 * copying it into the repo, so tests that use it skip when it is absent.
 */
export const SHARED_DIR = path.resolve(import.meta.dirname, '..', '..', '..', 'shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}
