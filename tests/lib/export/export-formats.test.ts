import { parse } from 'csv-parse/sync';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { items } from '@/db/schema';
import { appendAnnotation } from '@/lib/annotation/annotation-repo';
import { listItemsAfter } from '@/lib/collections/item-repo';
import { startExport } from '@/lib/export/create-export';
import { exportOptionsSchema, type ExportOptionsInput } from '@/lib/export/export-options';
import { makeUser } from '../../helpers/factories';
import { buildExportFixture, collect, type ExportFixture } from './export-fixture';

let fixture: ExportFixture | undefined;
afterEach(() => fixture?.close());

async function exportText(f: ExportFixture, input: ExportOptionsInput): Promise<string> {
  const file = startExport({
    db: f.db,
    dataDir: f.dataDir,
    collectionId: f.collection.id,
    options: exportOptionsSchema.parse(input),
    baseUrl: 'https://curio.example.org',
    pageSize: 3,
  });
  return (await collect(file.body)).toString('utf8');
}

/** COCO detection format, as pycocotools reads it. */
const cocoSchema = z.object({
  info: z.object({ description: z.string() }).loose(),
  licenses: z.array(z.unknown()),
  images: z.array(
    z.object({
      id: z.number().int(),
      file_name: z.string().min(1),
      width: z.number().int().positive(),
      height: z.number().int().positive(),
    }),
  ),
  annotations: z.array(
    z.object({
      id: z.number().int().positive(),
      image_id: z.number().int(),
      category_id: z.number().int(),
      bbox: z.tuple([z.literal(0), z.literal(0), z.number().positive(), z.number().positive()]),
      area: z.number().positive(),
      iscrowd: z.literal(0),
      segmentation: z.array(z.array(z.number()).length(8)),
      score: z.number().min(0).max(1).optional(),
    }),
  ),
  categories: z.array(
    z.object({ id: z.number().int(), name: z.string().min(1), supercategory: z.string() }),
  ),
});

/** W3C Web Annotation Data Model tagging annotations in an IIIF Presentation 3 AnnotationPage. */
const annotationSchema = z.object({
  id: z.url(),
  type: z.literal('Annotation'),
  motivation: z.literal('tagging'),
  body: z.object({
    type: z.literal('TextualBody'),
    value: z.string().min(1),
    format: z.literal('text/plain'),
    language: z.string().optional(),
    purpose: z.literal('tagging'),
  }),
  target: z.url(),
  creator: z
    .union([
      z.object({ type: z.literal('Person'), name: z.string() }),
      z.object({ id: z.url(), type: z.literal('Software'), name: z.string() }),
    ])
    .optional(),
  created: z.iso.datetime().optional(),
  'curio:score': z.number().min(0).max(1).optional(),
  'curio:source': z.enum(['human', 'review', 'import', 'model']),
});
const annotationPageSchema = z.object({
  '@context': z
    .array(z.unknown())
    .refine((context) => context[0] === 'http://www.w3.org/ns/anno.jsonld')
    .refine((context) => context.at(-1) === 'http://iiif.io/api/presentation/3/context.json')
    .refine((context) =>
      context.some(
        (entry) => typeof entry === 'object' && entry !== null && 'curio:score' in entry,
      ),
    ),
  id: z.url(),
  type: z.literal('AnnotationPage'),
  items: z.array(annotationSchema),
});

describe('tabular exports', () => {
  it('writes one CSV row per annotated item with labels, provenance and Dublin Core columns', async () => {
    fixture = await buildExportFixture();
    const rows = parse(await exportText(fixture, { format: 'csv', scope: 'human' }), {
      columns: true,
    }) as Record<string, string>[];

    expect(rows).toHaveLength(11);
    const amulets = rows.filter((row) => row.labels === 'amulet');
    expect(amulets).toHaveLength(5);
    expect(amulets[0]).toMatchObject({
      none: 'false',
      source: 'human',
      annotator: fixture.curatorName,
      'dcterms:rights': 'CC0 1.0',
      model_id: '',
    });
    expect(amulets[0]['dcterms:identifier']).toMatch(/^OBJ-\d+$/);
    expect(amulets[0]['dcterms:title']).toMatch(/^Object \d+$/);
    expect(Date.parse(amulets[0].annotated_at)).not.toBeNaN();
    // "none" in the labels cell is how the CSV importer reads "none of these".
    expect(rows.filter((row) => row.none === 'true').map((row) => row.labels)).toEqual(['none']);
  });

  it('adds the model scores to every item in scope "all", unannotated ones labelled by the model', async () => {
    fixture = await buildExportFixture({ withModel: true });
    const rows = parse(await exportText(fixture, { format: 'csv', scope: 'all' }), {
      columns: true,
    }) as Record<string, string>[];

    expect(rows).toHaveLength(12);
    expect(rows.every((row) => row.model_id === String(fixture?.modelId))).toBe(true);
    const unannotated = rows.find((row) => row.source === 'model');
    expect(unannotated).toMatchObject({ labels: 'amulet', model_labels: 'amulet' });
    expect(unannotated?.scores).toBe('amulet=0.9000|scarab=0.1000');
    const scarab = rows.find((row) => row.labels === 'scarab');
    expect(scarab).toMatchObject({ source: 'human', model_labels: 'amulet' });
  });

  it('reports what the model says in scope "model", even where a person decided otherwise', async () => {
    fixture = await buildExportFixture({ withModel: true });
    const lines = (await exportText(fixture, { format: 'jsonl', scope: 'model' }))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

    expect(lines).toHaveLength(12);
    expect(lines.every((line) => line.source === 'model')).toBe(true);
    expect(lines[0]).toMatchObject({
      labels: ['amulet'],
      model: { kind: 'classifier', scores: { amulet: expect.closeTo(0.9, 5) } },
    });
  });

  it('refuses a model scope while the collection has no active model', async () => {
    fixture = await buildExportFixture();
    await expect(exportText(fixture, { format: 'csv', scope: 'model' })).rejects.toThrow(
      /no active model/,
    );
  });

  it('exports only reviewed annotations in scope "reviewed"', async () => {
    fixture = await buildExportFixture();
    const [first] = listItemsAfter(fixture.db, fixture.collection.id, 0, 1);
    const reviewer = makeUser(fixture.db, 'reviewer');
    appendAnnotation(fixture.db, {
      itemId: first.id,
      userId: reviewer.id,
      labelIds: [fixture.labels[1].id],
      none: false,
      source: 'review',
      queue: 'uncertain',
    });

    const lines = (await exportText(fixture, { format: 'jsonl', scope: 'reviewed' }))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({ labels: ['scarab'], source: 'review', annotator: reviewer.name }),
    ]);
  });
});

describe('COCO export', () => {
  it('matches the COCO detection shape with one full-image box per label', async () => {
    fixture = await buildExportFixture({ withModel: true });
    const coco = cocoSchema.parse(
      JSON.parse(await exportText(fixture, { format: 'coco', scope: 'all' })),
    );

    expect(coco.images).toHaveLength(12);
    expect(coco.categories.map((category) => category.name)).toEqual(['amulet', 'scarab']);
    // 10 human labels plus the model's label on the one unannotated item; "none" has no box.
    expect(coco.annotations).toHaveLength(11);
    for (const annotation of coco.annotations) {
      const image = coco.images.find((candidate) => candidate.id === annotation.image_id);
      expect(annotation.bbox).toEqual([0, 0, image?.width, image?.height]);
      expect(annotation.area).toBe((image?.width ?? 0) * (image?.height ?? 0));
    }
    expect(coco.annotations.filter((annotation) => annotation.score !== undefined)).toHaveLength(1);
  });
});

describe('Web Annotation export', () => {
  it('writes an IIIF AnnotationPage of tagging annotations, model ones by Software with a score', async () => {
    fixture = await buildExportFixture({ withModel: true });
    const [iiifItem] = listItemsAfter(fixture.db, fixture.collection.id, 0, 1);
    const canvas = 'https://iiif.example.org/manifest/1/canvas/p1';
    fixture.db
      .update(items)
      .set({ sourceKind: 'iiif', metadata: { ...iiifItem.metadata, canvasId: canvas } })
      .where(eq(items.id, iiifItem.id))
      .run();
    const page = annotationPageSchema.parse(
      JSON.parse(
        await exportText(fixture, { format: 'web-annotations', scope: 'all', language: 'en' }),
      ),
    );

    const byPeople = page.items.filter((annotation) => annotation['curio:source'] === 'human');
    const byModel = page.items.filter((annotation) => annotation['curio:source'] === 'model');
    expect(byPeople).toHaveLength(10);
    expect(byModel).toHaveLength(12);
    expect(byPeople[0].creator).toEqual({ type: 'Person', name: fixture.curatorName });
    expect(byPeople[0].body.language).toBe('en');
    expect(byModel[0].creator).toMatchObject({
      type: 'Software',
      name: expect.stringMatching(/classifier model \d+ \(backbone mobilenet-v2@96\)/),
    });
    expect(byModel[0]['curio:score']).toBeCloseTo(0.9, 5);
    expect(byPeople[1].target).toMatch(/^https:\/\/curio\.example\.org\/api\/items\/\d+\/image$/);
    expect(page.items.filter((annotation) => annotation.target === canvas)).toHaveLength(2);
    expect(new Set(page.items.map((annotation) => annotation.id)).size).toBe(page.items.length);
  });
});
