/**
 * Every benchmark, by name and group. `npm run bench -- <name>` runs one, `npm run bench --
 * <group>` runs every benchmark of the group in this order. Each lives in its own file and
 * exports `run(args)`.
 */

export interface Benchmark {
  name: string;
  group: string;
  description: string;
  load(): Promise<{ run(args: string[]): Promise<void> }>;
}

export const BENCHMARKS: Benchmark[] = [
  {
    name: 'ml-embedding',
    group: 'ml',
    description: 'images/s per backend, backbone, input size and worker count; TF.js vs torch',
    load: () => import('./ml-embedding'),
  },
  {
    name: 'ml-heads',
    group: 'ml',
    description: 'head training time (1k/10k items, linear/MLP) and scoring 100k embeddings',
    load: () => import('./ml-heads'),
  },
  {
    name: 'training-compare',
    group: 'app',
    description: 'comparison maths, threshold-slider count and threshold save, 10k/100k items',
    load: () => import('./training-compare'),
  },
  {
    name: 'item-grid',
    group: 'app',
    description: 'item grid page and filter-count queries on a 100k-item collection',
    load: () => import('./item-grid'),
  },
  {
    name: 'thumbnails',
    group: 'app',
    description: 'thumbnail rendering (first request) and cached lookups per size',
    load: () => import('./thumbnails'),
  },
  {
    name: 'review-queue',
    group: 'app',
    description: 'review queue page latency (p50/p95/p99) per queue kind at 10k, 100k and 1M items',
    load: () => import('./review-queue'),
  },
  {
    name: 'annotate-save',
    group: 'app',
    description: 'annotate view round trips (next, save) p50/p95 against a production build',
    load: () => import('./annotate-save'),
  },
  {
    name: 'load',
    group: 'app',
    description:
      '50 curators annotating at once for 60 s (then during a training): latency and lost rows',
    load: () => import('./load'),
  },
  {
    name: 'export',
    group: 'app',
    description:
      'export time, size and peak RSS per format at 2,030 and ~8k items (child processes)',
    load: () => import('./export'),
  },
  {
    name: 'imports',
    group: 'app',
    description: 'zip and CSV import throughput (items/s) and RSS on a folder-per-label data set',
    load: () => import('./imports'),
  },
  {
    name: 'active-learning',
    group: 'ml',
    description: 'simulated review loop: labels to 95% of full-data F1, uncertainty vs random',
    load: () => import('./active-learning'),
  },
];
