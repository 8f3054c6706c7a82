import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Lists the files of an import folder and what each one means.
 *
 * Layout: a file directly in the root is an unlabeled item; a file anywhere beneath a top-level
 * sub-folder is labeled with that sub-folder's name (folder-per-label). A mixed folder therefore
 * imports its root images unlabeled and its sub-folders' images labeled. With layout "flat",
 * folder names are ignored and every image is unlabeled.
 *
 * Ignored without a word: hidden files and folders (".DS_Store", "._photo.jpg", ".git") and the
 * thumbnail caches Windows leaves behind. Listed as skipped metadata: documentation and tables in
 * the root (README*, SOURCE*, LICENSE*, *.md, *.txt, *.csv, *.json, …), which datasets carry
 * beside their images. Anywhere else a non-image is an ordinary failure, reported by the importer.
 * Symbolic links are followed only while they stay inside the root.
 */

export type FolderLayout = 'auto' | 'flat';

export interface FolderFile {
  /** Relative to the root, with forward slashes: the item's source URI. */
  relativePath: string;
  absolutePath: string;
  label: string | null;
}

export interface FolderEntryNote {
  path: string;
  reason: string;
}

export interface FolderListing {
  files: FolderFile[];
  skipped: FolderEntryNote[];
  failures: FolderEntryNote[];
}

const SYSTEM_FILES = new Set(['thumbs.db', 'desktop.ini', 'icon\r']);
const METADATA_NAME =
  /^(readme|source|sources|license|licence|notice|credits|attribution|changelog)\b/i;
const METADATA_EXTENSION = new Set([
  '.md',
  '.txt',
  '.csv',
  '.tsv',
  '.json',
  '.jsonl',
  '.xml',
  '.yaml',
  '.yml',
  '.html',
  '.pdf',
]);

export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || SYSTEM_FILES.has(name.toLowerCase());
}

export function isRootMetadata(name: string): boolean {
  return METADATA_NAME.test(name) || METADATA_EXTENSION.has(path.extname(name).toLowerCase());
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

interface WalkState {
  realRoot: string;
  layout: FolderLayout;
  visitedDirectories: Set<string>;
  listing: FolderListing;
}

function toRelative(parts: string[]): string {
  return parts.join('/');
}

async function resolveLink(
  state: WalkState,
  absolutePath: string,
  relativePath: string,
): Promise<{ real: string; isDirectory: boolean } | null> {
  const real = await fs.realpath(absolutePath).catch(() => null);
  if (real === null) {
    state.listing.failures.push({ path: relativePath, reason: 'broken symbolic link' });
    return null;
  }
  if (!isInside(state.realRoot, real)) {
    state.listing.failures.push({
      path: relativePath,
      reason: 'symbolic link that leads outside the import folder; refused',
    });
    return null;
  }
  const stats = await fs.stat(real);
  return { real, isDirectory: stats.isDirectory() };
}

async function walkDirectory(state: WalkState, directory: string, parts: string[]): Promise<void> {
  const entries = await fs.readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  for (const entry of entries) {
    if (isIgnoredName(entry.name)) continue;

    const absolutePath = path.join(directory, entry.name);
    const entryParts = [...parts, entry.name];
    const relativePath = toRelative(entryParts);
    let isDirectory = entry.isDirectory();
    let realDirectory = absolutePath;

    if (entry.isSymbolicLink()) {
      const link = await resolveLink(state, absolutePath, relativePath);
      if (!link) continue;
      isDirectory = link.isDirectory;
      realDirectory = link.real;
    }

    if (isDirectory) {
      if (state.visitedDirectories.has(realDirectory)) continue;
      state.visitedDirectories.add(realDirectory);
      await walkDirectory(state, absolutePath, entryParts);
      continue;
    }

    if (parts.length === 0 && isRootMetadata(entry.name)) {
      state.listing.skipped.push({ path: relativePath, reason: 'metadata file in the root' });
      continue;
    }

    const label = state.layout === 'auto' && parts.length > 0 ? parts[0].trim() || null : null;
    state.listing.files.push({ relativePath, absolutePath, label });
  }
}

/** Walks an import folder; throws only when the root itself cannot be read. */
export async function listFolder(
  root: string,
  layout: FolderLayout = 'auto',
): Promise<FolderListing> {
  const realRoot = await fs.realpath(root);
  const state: WalkState = {
    realRoot,
    layout,
    visitedDirectories: new Set([realRoot]),
    listing: { files: [], skipped: [], failures: [] },
  };

  await walkDirectory(state, realRoot, []);
  return state.listing;
}
