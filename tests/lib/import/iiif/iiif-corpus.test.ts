import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection } from '@/lib/collections/collection-repo';
import { listItemsAfter } from '@/lib/collections/item-repo';
import type { IiifItemMetadata } from '@/lib/import/iiif/canvas-plan';
import { importIiif, type IiifImportReport } from '@/lib/import/iiif/iiif-import';
import { createTestDatabase, type TestDatabase } from '../../../helpers/db';
import { startHttpServer, type TestHttpServer } from '../../../helpers/http-server';
import { answerImage } from '../../../helpers/iiif-images';
import { sharedPath } from '../../../helpers/shared-material';

/**
 * Imports every manifest and collection of the shared IIIF corpus (../shared/iiif beside the repository, real
 * manifests from GLAM institutions; never copied into the repository) from a local server. Image
 * services and image URLs are rewritten to that server, which answers with generated images of
 * the requested size; members of a collection that are in the corpus are served too, and every
 * other remote URL answers 404, so the test never leaves the machine. Skipped when the corpus is
 * absent. Set CURIO_PRINT_IIIF_TABLE=1 to print the results table kept in docs/imports.md.
 */

const CORPUS = sharedPath('iiif');
const present = fs.existsSync(CORPUS);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Expected {
  canvases: number;
  items: number;
  rights?: string;
  /** A required statement (or v2 attribution) is kept. */
  statement?: boolean;
  /** At least this many metadata pairs per item. */
  metadata?: number;
  /** Every failure or note reason must match one of these. */
  reported?: RegExp[];
}

const EXPECTED: Record<string, Expected> = {
  'v3/cookbook-0001-single-image-no-service.json': { canvases: 1, items: 1 },
  'v3/cookbook-0008-rights-requiredstatement.json': {
    canvases: 1,
    items: 1,
    rights: 'http://creativecommons.org/licenses/by-sa/3.0/',
    statement: true,
  },
  'v3/cookbook-0009-book-5-canvases-paged.json': { canvases: 5, items: 5 },
  'v3/cookbook-0032-collection-of-2-manifests.json': { canvases: 2, items: 2, metadata: 2 },
  'v3/cookbook-0032-collection-member-manifest-01.json': { canvases: 1, items: 1, metadata: 2 },
  'v3/cookbook-0032-collection-member-manifest-02.json': { canvases: 1, items: 1, metadata: 2 },
  'v3/cookbook-0033-choice-natural-light-xray.json': { canvases: 1, items: 1 },
  'v3/ghent-cdh-O0219-choice-11-images-190-annotations.json': { canvases: 1, items: 1 },
  'v3/tudelft-inventing-creativity-composite-canvas-imageapiselector.json': {
    canvases: 1,
    items: 1,
    reported: [/composed of 4 images; the first was imported/],
  },
  'v3/wellcome-b28857021-report-10-canvases-imageservice2-level0-thumbs.json': {
    canvases: 10,
    items: 10,
    rights: 'https://creativecommons.org/licenses/by/4.0/',
    statement: true,
    metadata: 4,
  },
  'v3/bodleian-lp44-v3-imageservice2-and-3-rich-metadata.json': {
    canvases: 1,
    items: 1,
    statement: true,
    metadata: 21,
  },
  'v3/wellcome-genre-abstracts-collection-level0-thumbs.json': {
    canvases: 0,
    items: 0,
    reported: [/answered HTTP 404/],
  },
  'v2/iiif-spec-fixture-1-minimum-no-service.json': { canvases: 1, items: 1 },
  'v2/bl-anzac-bulletin-20-canvases-tiles.json': {
    canvases: 20,
    items: 20,
    rights: 'https://creativecommons.org/publicdomain/mark/1.0/',
    statement: true,
    metadata: 11,
  },
  'v2/nls-forth-bridge-40-canvases-ranges.json': { canvases: 40, items: 40, statement: true },
  'v2/stanford-roman-denarius-imageapi-1.1.json': {
    canvases: 2,
    items: 2,
    statement: true,
    metadata: 9,
  },
  'v2/artic-la-grande-jatte-2-canvases.json': { canvases: 2, items: 2, statement: true },
  'v2/dlcs-level0-thumbnails-24-canvases-null-labels.json': {
    canvases: 24,
    items: 24,
    // Its label is a v3 language map, which Presentation 2 does not allow; the upgrade drops it.
    reported: [/the manifest has no label/],
  },
  'v2/villanova-letter-license-and-requiredstatement.json': {
    canvases: 2,
    items: 2,
    rights: 'http://creativecommons.org/licenses/by-sa/4.0/',
    statement: true,
  },
  'v2/nls-first-world-war-photographs-collection-20.json': {
    canvases: 0,
    items: 0,
    reported: [/answered HTTP 404/],
  },
  'v2/dlcs-codex-xolotl-oa-choice-19-canvases.json': { canvases: 19, items: 19 },
  'v2/sbb-berlin-17-canvases-empty-motivation-ranges.json': {
    canvases: 17,
    items: 17,
    // 29 pairs, but the upgrade turns "has_fulltext": false into an empty value, which is dropped.
    metadata: 28,
  },
  'edge/v3-cookbook-0283-canvas-without-image.json': {
    canvases: 4,
    items: 3,
    reported: [/the canvas has no painting image; skipped/],
  },
  'edge/v2-malformed-image-annotation-type.json': {
    canvases: 1,
    items: 1,
    reported: [/@type "dctypes:Image" instead of "oa:Annotation"; read as an image anyway/],
  },
  'edge/v3-validator-broken-unrendered-template-context.json': {
    canvases: 1,
    items: 1,
    reported: [/canvas 1 has no id; named by position/],
  },
  'edge/v2-bodleian-zero-size-canvas-no-context.json': {
    canvases: 1,
    items: 1,
    reported: [/the manifest has no label/, /canvas 1 declares no size \(\?×\?\)/],
  },
};

function corpusFiles(): string[] {
  if (!present) return [];
  return ['v3', 'v2', 'edge'].flatMap((dir) =>
    fs
      .readdirSync(path.join(CORPUS, dir))
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => `${dir}/${name}`),
  );
}

function documentId(json: Json): string | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const id = json.id ?? json['@id'];
  return typeof id === 'string' ? id : null;
}

const IMAGE_TYPES = new Set(['Image', 'dctypes:Image']);

/** Rewrites image and service URLs to the local server, and corpus members to their copies. */
class Rewriter {
  private readonly images = new Map<string, string>();

  constructor(
    private readonly origin: string,
    private readonly served: Map<string, string>,
  ) {}

  private imageUrl(original: string, kind: 'service' | 'body'): string {
    let local = this.images.get(original);
    if (!local) {
      local = `${this.origin}/img/${kind}-${this.images.size + 1}`;
      this.images.set(original, local);
    }
    return local;
  }

  rewrite(value: Json, key = ''): Json {
    if (Array.isArray(value)) return value.map((entry) => this.rewrite(entry, key));
    if (typeof value !== 'object' || value === null) return value;

    const copy: { [key: string]: Json } = {};
    for (const [name, inner] of Object.entries(value)) copy[name] = this.rewrite(inner, name);

    const idKey = 'id' in copy ? 'id' : '@id' in copy ? '@id' : null;
    const id = idKey ? copy[idKey] : null;
    if (!idKey || typeof id !== 'string') return copy;

    const type = String(copy.type ?? copy['@type'] ?? '');
    if (key === 'service') copy[idKey] = this.imageUrl(id, 'service');
    else if (IMAGE_TYPES.has(type)) copy[idKey] = this.imageUrl(id, 'body');
    else if (/Manifest|Collection/.test(type) && (key === 'items' || key === 'manifests')) {
      copy[idKey] = this.served.get(id) ?? `${this.origin}/offline/${encodeURIComponent(id)}`;
    }
    return copy;
  }
}

interface Row {
  file: string;
  version: string;
  canvases: number;
  items: number;
  report: IiifImportReport;
  metadata: IiifItemMetadata[];
}

let server: TestHttpServer;
let testDb: TestDatabase;
const rows = new Map<string, Row>();

beforeAll(async () => {
  if (!present) return;
  server = await startHttpServer();
  testDb = createTestDatabase();

  const files = corpusFiles();
  const served = new Map<string, string>();
  const raw = new Map<string, Json>();
  for (const file of files) {
    const json = JSON.parse(fs.readFileSync(path.join(CORPUS, file), 'utf8')) as Json;
    raw.set(file, json);
    const id = documentId(json);
    if (id) served.set(id, `${server.origin}/corpus/${file}`);
  }
  const rewriter = new Rewriter(server.origin, served);
  for (const file of files) {
    const body = JSON.stringify(rewriter.rewrite(raw.get(file) ?? null));
    server.route(`/corpus/${file}`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  }
  server.routePrefix('/img/', (_request, response, url) =>
    answerImage(url.pathname.slice('/img/'.length), response),
  );

  const dataDir = path.join(testDb.dir, 'data');
  for (const file of files) {
    const collectionId = createCollection(testDb.db, { name: file, annotationMode: 'single' }).id;
    const report = await importIiif(testDb.db, {
      url: `${server.origin}/corpus/${file}`,
      collectionId,
      dataDir,
      fetch: { allowPrivate: true },
    });
    const items = listItemsAfter(testDb.db, collectionId, 0, 1000);
    rows.set(file, {
      file,
      version: file.startsWith('v2') || file.startsWith('edge/v2') ? '2' : '3',
      canvases: report.canvasesFound,
      items: items.length,
      report,
      metadata: items.map((item) => item.metadata as unknown as IiifItemMetadata),
    });
  }

  if (process.env.CURIO_PRINT_IIIF_TABLE) printTable();
}, 120_000);

afterAll(async () => {
  if (!present) return;
  await server.close();
  testDb.close();
});

function printTable() {
  const lines = [
    '| file | version | canvases | items imported | reported |',
    '|---|---|---|---|---|',
  ];
  for (const row of rows.values()) {
    const notes = [...row.report.failures, ...row.report.notes].map((note) => note.reason);
    const counts = new Map<string, number>();
    for (const note of notes) {
      const key = note.replace(/http:\/\/127\.0\.0\.1:\d+\/offline\/\S+/, '<member URL>');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const reported = [...counts].map(([reason, n]) => (n > 1 ? `${n}× ${reason}` : reason));
    lines.push(
      `| \`${row.file}\` | ${row.version} | ${row.canvases} | ${row.items} | ${reported.join('; ') || '—'} |`,
    );
  }
  console.log(lines.join('\n'));
}

describe.skipIf(!present)('the shared IIIF corpus', () => {
  it('covers every file of the corpus', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('imports %s as expected', (file, expected) => {
    const row = rows.get(file);
    expect(row).toBeDefined();
    if (!row) return;

    expect({ canvases: row.canvases, items: row.items }).toEqual({
      canvases: expected.canvases,
      items: expected.items,
    });
    for (const metadata of row.metadata) {
      expect(metadata.manifestId).toMatch(/^https?:\/\//);
      expect(metadata.imageUrl).toMatch(/\/img\//);
      if (expected.rights) expect(metadata.rights).toBe(expected.rights);
      if (expected.statement) expect(metadata.requiredStatement?.value).toBeTruthy();
      if (expected.metadata)
        expect(metadata.metadata.length).toBeGreaterThanOrEqual(expected.metadata);
    }

    const reasons = [...row.report.failures, ...row.report.notes].map((note) => note.reason);
    if (expected.reported) {
      expect(reasons.length).toBeGreaterThan(0);
      for (const reason of reasons) {
        expect(
          expected.reported.some((pattern) => pattern.test(reason)),
          reason,
        ).toBe(true);
      }
    } else {
      expect(reasons).toEqual([]);
    }
  });
});
