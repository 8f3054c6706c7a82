import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { env } from '@/lib/env';
import { initTf } from '@/lib/ml/backend';
import { resolveBackbone } from '@/lib/ml/backbones';
import { embedFiles } from '@/lib/ml/embedder';
import { openEvalCache } from '@/lib/ml/eval-cache-repo';
import { runEvaluation, type EvalReport, type EvalRow } from '@/lib/ml/evaluation';
import { DEFAULT_NOVELTY_PERCENTILE, NOVELTY_METHODS } from '@/lib/ml/novelty';

/**
 * `npm run eval -- <folder-per-label dir> --ood <dir> [--ood-train K] [--backbone <id|folder>]
 * [--json] [--seed N]`: how the classifier, the labeler, novelty and Curio's default handle
 * in-domain test images and images from elsewhere. Embeddings are cached in
 * <data dir>/eval-cache/embeddings.sqlite by file hash and backbone.
 */

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif']);

const argsSchema = z.object({
  dataset: z.string().min(1),
  ood: z.string().min(1),
  oodTrain: z.coerce.number().int().min(0).default(30),
  backbone: z.string().optional(),
  json: z.boolean().default(false),
  seed: z.coerce.number().int().default(42),
  testFraction: z.coerce.number().min(0.05).max(0.9).default(0.2),
  novelty: z.enum(NOVELTY_METHODS).default('knn'),
  k: z.coerce.number().int().min(1).default(5),
  percentile: z.coerce.number().min(0).max(100).default(DEFAULT_NOVELTY_PERCENTILE),
  hidden: z.coerce.number().int().min(0).default(0),
  /** "off" keeps the F1-tuned labeler thresholds; a share caps labelled items without a label. */
  noLabelBudget: z
    .union([z.literal('off'), z.coerce.number().min(0).max(1)])
    .default(0.05)
    .transform((value) => (value === 'off' ? null : value)),
});
type EvalArgs = z.infer<typeof argsSchema>;

const USAGE = `Usage: npm run eval -- <folder-per-label dir> --ood <dir> [--ood-train K=30]
  [--backbone id|folder] [--json] [--seed N=42] [--test-fraction 0.2]
  [--novelty knn|mahalanobis] [--k 5] [--percentile 99] [--hidden 0]
  [--no-label-budget 0.05|off]`;

function parse(argv: string[]): EvalArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ood: { type: 'string' },
      'ood-train': { type: 'string' },
      backbone: { type: 'string' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      'test-fraction': { type: 'string' },
      novelty: { type: 'string' },
      k: { type: 'string' },
      percentile: { type: 'string' },
      hidden: { type: 'string' },
      'no-label-budget': { type: 'string' },
    },
  });
  return argsSchema.parse({
    dataset: positionals[0],
    ood: values.ood,
    oodTrain: values['ood-train'],
    backbone: values.backbone,
    json: values.json,
    seed: values.seed,
    testFraction: values['test-fraction'],
    novelty: values.novelty,
    k: values.k,
    percentile: values.percentile,
    hidden: values.hidden,
    noLabelBudget: values['no-label-budget'],
  });
}

async function listImages(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter(
      (entry) => entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()),
    )
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

export async function listClasses(
  dir: string,
): Promise<{ classNames: string[]; files: string[][] }> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  const classNames = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const files = await Promise.all(classNames.map((name) => listImages(path.join(dir, name))));
  return { classNames, files };
}

/** Embeddings of the files, from the cache where possible; null for unreadable files. */
export async function embedWithCache(
  files: string[],
  backbone: string,
): Promise<(Float32Array | null)[]> {
  const cache = openEvalCache(path.join(env().dataDir, 'eval-cache', 'embeddings.sqlite'));
  try {
    const hashes = await Promise.all(
      files.map(async (file) =>
        createHash('sha256')
          .update(await fs.readFile(file))
          .digest('hex'),
      ),
    );
    const vectors = hashes.map((hash) => cache.get(hash, backbone) ?? null);
    const missing = vectors.flatMap((vector, index) => (vector ? [] : [index]));
    if (missing.length === 0) return vectors;

    process.stderr.write(
      `Embedding ${missing.length} of ${files.length} images with ${backbone}…\n`,
    );
    let reported = 0;
    const result = await embedFiles(
      missing.map((index) => files[index]),
      {
        backbone,
        onProgress: (done, total) => {
          if (done - reported >= Math.max(50, total / 10) || done === total) {
            reported = done;
            process.stderr.write(`  ${done}/${total}\n`);
          }
        },
      },
    );
    const fresh = missing.flatMap((fileIndex, index) => {
      const vector = result.vectors[index];
      vectors[fileIndex] = vector;
      return vector ? [{ hash: hashes[fileIndex], backbone, vector }] : [];
    });
    cache.putMany(fresh);
    for (const error of result.errors)
      process.stderr.write(`  skipped ${error.file}: ${error.message}\n`);
    return vectors;
  } finally {
    cache.close();
  }
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

function table(report: EvalReport): string {
  const header =
    'row              macro-F1  OOD no-label  in-domain no-label  OOD max-p min/median/max';
  const line = (name: string, r: EvalRow) =>
    `${name.padEnd(16)} ${r.macroF1.toFixed(3).padStart(8)}  ${pct(r.noLabelShare).padStart(12)}  ` +
    `${pct(r.inDomainNoLabelShare).padStart(18)}  ` +
    `${r.ood.min.toFixed(2)}/${r.ood.median.toFixed(2)}/${r.ood.max.toFixed(2)}`;
  return [
    header,
    line('classifier', report.classifier),
    line('labeler', report.labeler),
    line('labeler+none', report.labelerWithNone),
    line('novelty', report.novelty),
    line('default', report.default),
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  let args: EvalArgs;
  try {
    args = parse(argv);
  } catch {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }

  const backbone = resolveBackbone(args.backbone ?? env().CURIO_BACKBONE).id;
  const { classNames, files } = await listClasses(args.dataset);
  const oodFiles = await listImages(args.ood);
  const inDomainFiles = files.flat();
  const vectors = await embedWithCache([...inDomainFiles, ...oodFiles], args.backbone ?? backbone);

  const classOf = files.flatMap((list, classIndex) => list.map(() => classIndex));
  const inDomain = inDomainFiles.flatMap((_, index) => {
    const vector = vectors[index];
    return vector ? [{ vector, classIndex: classOf[index] }] : [];
  });
  const ood = vectors.slice(inDomainFiles.length).filter((v): v is Float32Array => v !== null);

  const { tf, backend } = await initTf();
  const report = await runEvaluation(tf, {
    classNames,
    inDomain,
    ood,
    oodTrain: Math.min(args.oodTrain, ood.length),
    seed: args.seed,
    testFraction: args.testFraction,
    options: {
      head: { hiddenUnits: args.hidden },
      noLabelBudget: args.noLabelBudget,
      novelty: { method: args.novelty, k: args.k, percentile: args.percentile },
    },
  });

  process.stdout.write(
    `${path.basename(path.resolve(args.dataset))}: ${classNames.length} labels, backbone ${backbone}, ` +
      `backend ${backend}, train ${report.trainCount}, test ${report.testCount}, ` +
      `held-out OOD ${report.oodTestCount} (${args.oodTrain} OOD as "none" in training), ` +
      `novelty ${report.noveltyMethod} k=${args.k} p${args.percentile}, hidden ${args.hidden}, ` +
      `no-label budget ${args.noLabelBudget ?? 'off'}\n`,
  );
  process.stdout.write(`${table(report)}\n`);
  if (report.oodNovelty && report.noveltyThreshold !== null) {
    const { min, median } = report.oodNovelty;
    process.stdout.write(
      `novelty threshold ${report.noveltyThreshold.toFixed(4)}; held-out OOD novelty ` +
        `min ${min.toFixed(4)}, median ${median.toFixed(4)}\n`,
    );
  }
  if (args.json) {
    const { noveltyMethod, noveltyThreshold, oodNovelty, ...rest } = report;
    process.stdout.write(
      `${JSON.stringify({ ...rest, backbone, backend, noveltyMethod, noveltyThreshold, oodNovelty })}\n`,
    );
  }
  return 0;
}

const isMain =
  process.argv[1] && path.resolve(process.argv[1]).endsWith(path.join('cli', 'eval.ts'));
if (isMain) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
