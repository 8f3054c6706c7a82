import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { embedWithCache, listClasses } from '@/lib/cli/eval';
import { env } from '@/lib/env';
import { initTf } from '@/lib/ml/backend';
import { resolveBackbone } from '@/lib/ml/backbones';
import {
  SAMPLING_STRATEGIES,
  simulateActiveLearning,
  type CurvePoint,
  type SimulationResult,
} from '@/lib/review/active-learning';

/**
 * Does the review queue save labels? Simulates the loop on a folder-per-label dataset (answers
 * from the folders) and compares uncertainty sampling with random sampling.
 *
 *   npm run bench -- active-learning <folder-per-label dir> [--json] [--seed N] [--seeds S]
 *     [--batch B] [--initial-per-class K] [--strategy entropy|margin] [--random-share R]
 *     [--max-labels M] [--backbone id] [--epochs E] [--learning-rate L]
 *
 * Embeddings come from the eval CLI's cache (<data dir>/eval-cache/embeddings.sqlite). With
 * --json the last line is one JSON object: { fullF1, labelsToTarget: { uncertainty, random },
 * curve: [{ labels, uncertaintyF1, randomF1 }] } (averaged over the seeds), plus the settings
 * and each seed's result.
 */

const argsSchema = z.object({
  dataset: z.string().min(1),
  json: z.boolean().default(false),
  seed: z.coerce.number().int().default(1),
  seeds: z.coerce.number().int().min(1).max(20).default(1),
  batch: z.coerce.number().int().min(1).default(20),
  initialPerClass: z.coerce.number().int().min(1).default(2),
  strategy: z.enum(SAMPLING_STRATEGIES).default('entropy'),
  randomShare: z.coerce.number().min(0).max(1).default(0),
  maxLabels: z.coerce.number().int().min(1).optional(),
  backbone: z.string().optional(),
  epochs: z.coerce.number().int().min(1).default(60),
  /** The product's default (1e-3) suits large sets; a few dozen labels need larger steps. */
  learningRate: z.coerce.number().positive().optional(),
});

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      seed: { type: 'string' },
      seeds: { type: 'string' },
      batch: { type: 'string' },
      'initial-per-class': { type: 'string' },
      strategy: { type: 'string' },
      'random-share': { type: 'string' },
      'max-labels': { type: 'string' },
      backbone: { type: 'string' },
      epochs: { type: 'string' },
      'learning-rate': { type: 'string' },
    },
  });
  return argsSchema.parse({
    dataset: positionals[0],
    json: values.json,
    seed: values.seed,
    seeds: values.seeds,
    batch: values.batch,
    initialPerClass: values['initial-per-class'],
    strategy: values.strategy,
    randomShare: values['random-share'],
    maxLabels: values['max-labels'],
    backbone: values.backbone,
    epochs: values.epochs,
    learningRate: values['learning-rate'],
  });
}

const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

/** Mean curve over the label counts every seed reached. */
function meanCurve(results: SimulationResult[]): CurvePoint[] {
  const shortest = Math.min(...results.map((r) => r.curve.length));
  return Array.from({ length: shortest }, (_, i) => ({
    labels: results[0].curve[i].labels,
    uncertaintyF1: mean(results.map((r) => r.curve[i].uncertaintyF1)),
    randomF1: mean(results.map((r) => r.curve[i].randomF1)),
  }));
}

/** Mean labels to target, or null when some seed never reached it. */
function meanLabels(values: (number | null)[]): number | null {
  return values.some((v) => v === null) ? null : Math.round(mean(values as number[]));
}

export async function run(argv: string[]): Promise<void> {
  const args = parse(argv);
  const backboneId = args.backbone ?? env().CURIO_BACKBONE;
  const backbone = resolveBackbone(backboneId).id;
  const { classNames, files } = await listClasses(args.dataset);
  const allFiles = files.flat();
  const classOfFile = files.flatMap((list, c) => list.map(() => c));
  const vectors = await embedWithCache(allFiles, backboneId);
  const kept = vectors.flatMap((vector, i) => (vector ? [{ vector, c: classOfFile[i] }] : []));

  const { tf, backend } = await initTf();
  const name = path.basename(path.resolve(args.dataset));
  console.log(
    `${name}: ${kept.length} images, ${classNames.length} classes, backbone ${backbone}, ` +
      `backend ${backend}; strategy ${args.strategy}, batch ${args.batch}, ` +
      `${args.initialPerClass} per class to start, random share ${args.randomShare}, ` +
      `seeds ${args.seed}..${args.seed + args.seeds - 1}`,
  );

  const results: SimulationResult[] = [];
  for (let s = 0; s < args.seeds; s++) {
    const started = performance.now();
    const result = await simulateActiveLearning(tf, {
      vectors: kept.map((row) => row.vector),
      classOf: kept.map((row) => row.c),
      classCount: classNames.length,
      seed: args.seed + s,
      batch: args.batch,
      initialPerClass: args.initialPerClass,
      strategy: args.strategy,
      randomShare: args.randomShare,
      maxLabels: args.maxLabels,
      epochs: args.epochs,
      learningRate: args.learningRate,
      onPoint: (point) =>
        process.stderr.write(
          `  ${point.labels} labels: uncertainty ${point.uncertaintyF1.toFixed(3)}, ` +
            `random ${point.randomF1.toFixed(3)}\n`,
        ),
    });
    results.push(result);
    console.log(
      `seed ${args.seed + s}: full-data F1 ${result.fullF1.toFixed(3)} (pool ${result.poolCount}, ` +
        `test ${result.testCount}); 95% reached with ${result.labelsToTarget.uncertainty ?? '—'} ` +
        `labels (uncertainty) vs ${result.labelsToTarget.random ?? '—'} (random); ` +
        `${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
  }

  const curve = meanCurve(results);
  const summary = {
    fullF1: mean(results.map((r) => r.fullF1)),
    labelsToTarget: {
      uncertainty: meanLabels(results.map((r) => r.labelsToTarget.uncertainty)),
      random: meanLabels(results.map((r) => r.labelsToTarget.random)),
    },
    curve,
  };
  console.log('\n| labels | uncertainty F1 | random F1 |\n|---:|---:|---:|');
  for (const point of curve) {
    console.log(
      `| ${point.labels} | ${point.uncertaintyF1.toFixed(3)} | ${point.randomF1.toFixed(3)} |`,
    );
  }
  const { uncertainty, random } = summary.labelsToTarget;
  const saving = uncertainty !== null && random !== null ? 1 - uncertainty / random : null;
  console.log(
    `full-data F1 ${summary.fullF1.toFixed(3)}; labels to 95% of it: uncertainty ` +
      `${uncertainty ?? 'not reached'}, random ${random ?? 'not reached'}` +
      (saving === null ? '' : `; ${(saving * 100).toFixed(0)}% fewer labels`),
  );
  if (args.json) {
    const settings = { ...args, dataset: name, backbone, backend };
    console.log(JSON.stringify({ ...summary, settings, seeds: results }));
  }
}
