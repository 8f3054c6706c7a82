import sharp from 'sharp';
import type { Db } from '@/db/client';
import { getCollection } from '@/lib/collections/collection-repo';
import { findItemByHash, insertItem } from '@/lib/collections/item-repo';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { storeImage, type StoredImage } from '@/lib/images/image-store';
import { createLogger } from '@/lib/log';
import { findItemBySourceUri, updateItemDescription } from '../import-item-repo';
import type { SafeFetchOptions } from '../safe-fetch';
import { safeFetch } from '../safe-fetch';
import { planManifest, type CanvasPlan, type IiifNote } from './canvas-plan';
import { IIIF_IMAGE_BOUND_PX, type ImagePlan } from './image-request';
import { fetchIiifDocument, type IiifDocument } from './iiif-document';
import type { IiifManifest } from './iiif-schema';

/**
 * Imports a IIIF manifest, or every manifest of a IIIF collection (recursively, within limits),
 * as one item per canvas. See canvas-plan.ts for how a canvas's image is chosen and
 * image-request.ts for how it is fetched at a bounded size. Every fetch goes through safeFetch.
 *
 * A canvas already imported into the collection (same canvas id) is not fetched again; its title
 * and metadata are refreshed from the manifest, so re-importing picks up catalogue corrections.
 */

const log = createLogger('import');

export interface IiifLimits {
  /** Collections within collections, counting the first as depth 0. */
  maxDepth: number;
  maxManifests: number;
  maxCanvases: number;
}

export const DEFAULT_IIIF_LIMITS: IiifLimits = {
  maxDepth: 3,
  maxManifests: 200,
  maxCanvases: 10_000,
};
const IMAGE_CONCURRENCY = 3;
const BATCH_SIZE = 24;

type CanvasOutcome =
  | { kind: 'existing'; itemId: number }
  | { kind: 'failed'; reason: string }
  | { kind: 'stored'; image: StoredImage };

export interface IiifImportOptions {
  url: string;
  collectionId: number;
  dataDir?: string;
  limits?: Partial<IiifLimits>;
  fetch?: Pick<SafeFetchOptions, 'allowPrivate' | 'timeoutMs'>;
  onProgress?: (progress: { stage: 'reading' | 'importing'; done: number; total: number }) => void;
  signal?: AbortSignal;
}

export interface IiifImportReport {
  source: 'iiif';
  url: string;
  manifestsRead: number;
  canvasesFound: number;
  added: number;
  alreadyPresent: number;
  /** Canvases whose image bytes another canvas of this import already brought in. */
  duplicates: number;
  failures: IiifNote[];
  /** Things worth knowing that did not stop a canvas: composites, missing ids, limits. */
  notes: IiifNote[];
  cancelled: boolean;
  durationMs: number;
}

/** Presentation 2 `license` when the upgrade left no `rights`. */
function withLicence(manifest: IiifManifest, raw: Record<string, unknown>): IiifManifest {
  if (manifest.rights) return manifest;
  const licence = Array.isArray(raw.license) ? raw.license[0] : raw.license;
  return typeof licence === 'string' ? { ...manifest, rights: licence } : manifest;
}

class IiifImport {
  readonly report: IiifImportReport;
  private readonly limits: IiifLimits;
  private readonly dataDir: string;
  private readonly hashes = new Set<string>();
  private readonly plans: CanvasPlan[] = [];
  /** Documents already read, so that a collection listing itself (or a cycle) ends. */
  private readonly visited = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly options: IiifImportOptions,
  ) {
    this.limits = { ...DEFAULT_IIIF_LIMITS, ...options.limits };
    this.dataDir = options.dataDir ?? env().dataDir;
    this.report = {
      source: 'iiif',
      url: options.url,
      manifestsRead: 0,
      canvasesFound: 0,
      added: 0,
      alreadyPresent: 0,
      duplicates: 0,
      failures: [],
      notes: [],
      cancelled: false,
      durationMs: 0,
    };
  }

  async readTop(): Promise<void> {
    const top = await fetchIiifDocument(this.options.url, this.options.fetch);
    if (!top.ok) throw new AppError('validation_failed', `The IIIF import failed: ${top.reason}.`);
    this.visited.add(this.options.url);
    await this.readDocument(top.document, this.options.url, 0);
  }

  private async readDocument(document: IiifDocument, url: string, depth: number): Promise<void> {
    if (document.kind === 'manifest') {
      this.addManifest(withLicence(document.manifest, document.raw), url, document.raw);
      return;
    }
    if (document.skipped > 0) {
      this.report.failures.push({
        path: document.id,
        reason: `${document.skipped} members of the collection are malformed; skipped`,
      });
    }
    for (const member of document.members) {
      if (this.options.signal?.aborted) return;
      if (this.visited.has(member.id)) {
        this.report.notes.push({ path: member.id, reason: 'already read in this import; skipped' });
        continue;
      }
      this.visited.add(member.id);
      if (member.type === 'Collection' && depth + 1 > this.limits.maxDepth) {
        this.report.notes.push({
          path: member.id,
          reason: `collection nested deeper than ${this.limits.maxDepth} levels; not read`,
        });
        continue;
      }
      if (this.report.manifestsRead >= this.limits.maxManifests) {
        this.report.notes.push({
          path: document.id,
          reason: `stopped after ${this.limits.maxManifests} manifests (the limit of one import)`,
        });
        return;
      }
      const fetched = await fetchIiifDocument(member.id, this.options.fetch);
      if (!fetched.ok) {
        this.report.failures.push({ path: member.id, reason: fetched.reason });
        continue;
      }
      await this.readDocument(fetched.document, member.id, depth + 1);
    }
  }

  private addManifest(manifest: IiifManifest, url: string, raw: Record<string, unknown>): void {
    this.report.manifestsRead += 1;
    const plan = planManifest(manifest, url, raw);
    this.report.canvasesFound += manifest.items.length;
    this.report.failures.push(...plan.failures);
    this.report.notes.push(...plan.notes);

    const room = this.limits.maxCanvases - this.plans.length;
    if (plan.canvases.length > room) {
      this.report.notes.push({
        path: manifest.id,
        reason: `stopped after ${this.limits.maxCanvases} canvases (the limit of one import)`,
      });
    }
    this.plans.push(...plan.canvases.slice(0, Math.max(0, room)));
  }

  /**
   * Fetches canvases a batch at a time, several at once, then records each batch in canvas order,
   * so a book's pages follow each other in the grid whatever order the downloads finish in.
   */
  async importCanvases(): Promise<void> {
    for (let start = 0; start < this.plans.length; start += BATCH_SIZE) {
      if (this.options.signal?.aborted) return;
      const batch = this.plans.slice(start, start + BATCH_SIZE);
      const results = await this.fetchBatch(batch);
      batch.forEach((plan, index) => this.record(plan, results[index]));
      const done = Math.min(start + BATCH_SIZE, this.plans.length);
      this.options.onProgress?.({ stage: 'importing', done, total: this.plans.length });
    }
  }

  private async fetchBatch(batch: CanvasPlan[]): Promise<CanvasOutcome[]> {
    const results: CanvasOutcome[] = new Array(batch.length);
    let next = 0;
    const worker = async () => {
      while (next < batch.length && !this.options.signal?.aborted) {
        const index = next++;
        results[index] = await this.fetchCanvas(batch[index]);
      }
    };
    await Promise.all(Array.from({ length: IMAGE_CONCURRENCY }, worker));
    return results;
  }

  private async fetchCanvas(plan: CanvasPlan): Promise<CanvasOutcome> {
    const existing = findItemBySourceUri(this.db, this.options.collectionId, plan.sourceUri);
    if (existing) return { kind: 'existing', itemId: existing.id };

    const fetched = await fetchPlannedImage(plan.image, this.options.fetch, this.options.signal);
    if (!fetched.ok) return { kind: 'failed', reason: fetched.reason };

    const stored = await storeImage(fetched.bytes, this.options.collectionId, this.dataDir);
    if (!stored.ok) return { kind: 'failed', reason: `${plan.image.url}: ${stored.reason}` };
    return { kind: 'stored', image: stored.image };
  }

  private record(plan: CanvasPlan, outcome: CanvasOutcome | undefined): void {
    const { collectionId } = this.options;
    if (!outcome) return;
    if (outcome.kind === 'failed') {
      this.report.failures.push({ path: plan.sourceUri, reason: outcome.reason });
      return;
    }
    if (outcome.kind === 'existing') {
      updateItemDescription(this.db, outcome.itemId, {
        title: plan.title,
        metadata: { ...plan.metadata },
      });
      this.report.alreadyPresent += 1;
      return;
    }

    const { image } = outcome;
    if (
      this.hashes.has(image.contentHash) ||
      findItemByHash(this.db, collectionId, image.contentHash)
    ) {
      this.report.duplicates += 1;
      this.report.notes.push({
        path: plan.sourceUri,
        reason: 'its image is identical to an item already in the collection; not added again',
      });
      return;
    }
    this.hashes.add(image.contentHash);
    insertItem(this.db, {
      collectionId,
      sourceKind: 'iiif',
      sourceUri: plan.sourceUri,
      contentHash: image.contentHash,
      filePath: image.filePath,
      mimeType: image.mimeType,
      sizeBytes: image.sizeBytes,
      width: image.width,
      height: image.height,
      title: plan.title,
      metadata: { ...plan.metadata },
    });
    this.report.added += 1;
  }
}

/**
 * Applies a crop the server could not do, and brings a body image fetched without a service down
 * to the bound; other images are kept byte for byte. Throws on undecodable bytes, which the caller
 * then passes on unchanged for validation to report.
 */
async function fitImage(bytes: Buffer, plan: ImagePlan): Promise<Buffer> {
  if (!plan.localCrop && plan.via === 'image-service') return bytes;

  const metadata = await sharp(bytes).metadata();
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  const tooLarge = width > IIIF_IMAGE_BOUND_PX || height > IIIF_IMAGE_BOUND_PX;
  if (!plan.localCrop && !tooLarge) return bytes;

  let image = sharp(bytes);
  if (plan.localCrop) {
    const scale = plan.sourceWidth ? width / plan.sourceWidth : 1;
    const left = Math.min(width - 1, Math.round(plan.localCrop.x * scale));
    const top = Math.min(height - 1, Math.round(plan.localCrop.y * scale));
    image = image.extract({
      left,
      top,
      width: Math.max(1, Math.min(width - left, Math.round(plan.localCrop.width * scale))),
      height: Math.max(1, Math.min(height - top, Math.round(plan.localCrop.height * scale))),
    });
  }
  return image
    .resize(IIIF_IMAGE_BOUND_PX, IIIF_IMAGE_BOUND_PX, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** Downloads a planned canvas image and applies any local crop or bound. */
export async function fetchPlannedImage(
  plan: ImagePlan,
  fetchOptions: IiifImportOptions['fetch'],
  signal?: AbortSignal,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: string }> {
  const fetched = await safeFetch(plan.url, {
    ...fetchOptions,
    maxBytes: env().CURIO_MAX_UPLOAD_BYTES,
    accept: 'image/*',
    signal,
  });
  if (!fetched.ok) return fetched;

  const bytes = await fitImage(fetched.body.bytes, plan).catch(() => fetched.body.bytes);
  return { ok: true, bytes };
}

export async function importIiif(db: Db, options: IiifImportOptions): Promise<IiifImportReport> {
  const startedMs = Date.now();
  if (!getCollection(db, options.collectionId)) {
    throw new AppError('not_found', `Collection ${options.collectionId} was not found.`);
  }

  const run = new IiifImport(db, options);
  options.onProgress?.({ stage: 'reading', done: 0, total: 1 });
  await run.readTop();
  await run.importCanvases();

  const report = {
    ...run.report,
    cancelled: options.signal?.aborted ?? false,
    durationMs: Date.now() - startedMs,
  };
  log.info(
    `The IIIF import of ${options.url} added ${report.added} items from ${report.manifestsRead} manifests ` +
      `(${report.alreadyPresent} already present, ${report.failures.length} failed) in ${report.durationMs} ms.`,
  );
  return report;
}
