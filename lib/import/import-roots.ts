import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@/lib/errors';

/**
 * Server folders an admin may import from through the web UI are confined to CURIO_IMPORT_ROOTS,
 * so the form cannot be used to read arbitrary paths on the server. Paths are compared after
 * realpath, so a symbolic link inside a root cannot lead out of it.
 */

export const NO_IMPORT_ROOTS_MESSAGE =
  'No server folders are open for import. Set CURIO_IMPORT_ROOTS to a comma-separated list of ' +
  'folders (for example CURIO_IMPORT_ROOTS=/srv/images) and restart Curio, or use ' +
  '`npm run curio -- import <dir> --collection <name>` on the server.';

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The real path of a requested import folder, or an AppError saying why it may not be used.
 * A relative path is taken as relative to the first import root.
 */
export async function resolveImportFolder(
  requested: string,
  importRoots: string[],
): Promise<string> {
  if (importRoots.length === 0) throw new AppError('forbidden', NO_IMPORT_ROOTS_MESSAGE);

  const absolute = path.resolve(importRoots[0], requested);
  const real = await fs.realpath(absolute).catch(() => null);
  if (real === null)
    throw new AppError('validation_failed', `The folder ${absolute} does not exist.`);

  const realRoots = await Promise.all(
    importRoots.map((root) => fs.realpath(root).catch(() => null)),
  );
  if (!realRoots.some((root) => root !== null && isInside(root, real))) {
    throw new AppError(
      'forbidden',
      `${absolute} is outside the folders open for import (${importRoots.join(', ')}).`,
    );
  }

  const stats = await fs.stat(real);
  if (!stats.isDirectory()) throw new AppError('validation_failed', `${absolute} is not a folder.`);
  return real;
}
