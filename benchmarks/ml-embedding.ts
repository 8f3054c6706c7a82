import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { candidatesFor, selectBackend } from '@/lib/ml/backend';
import { floatsPerImage } from '@/lib/ml/backbone-spec';
import { loadBackbone, resolveBackbone } from '@/lib/ml/backbones';
import { embedFiles, releaseResidentBackbone } from '@/lib/ml/embedder';
import { preprocessImage, readRgb } from '@/lib/ml/preprocess';
import { sharedPath } from '../tests/helpers/shared-material';

/**
 * Embedding speed on this machine: images/s for each backbone and input size, in-process (one
 * wasm thread) against the worker pool, the cpu backend for scale, sharp decoding alone, and the
 * same MobileNetV2 in PyTorch when python3-torch is installed.
 *
 *   npm run bench -- ml-embedding [--images 64] [--repeats 2] [--no-torch] [--no-cpu]
 */

const DATASETS = sharedPath('datasets');
const SAMPLE_FOLDERS = ['hieroglyphs-unas', 'parish-birth-months', 'ood-modern-photos'];
const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp|tiff?)$/i;
const TORCH_SCRIPT = path.join(import.meta.dirname, 'torch_mobilenet.py');

interface Row {
  what: string;
  backend: string;
  workers: string;
  images: number;
  imagesPerSecond: number;
  /** CPU seconds this process used per wall second: below the worker count, others had the CPU. */
  coresUsed?: number;
}

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? Number(args[index + 1]) : Number.NaN;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function listImages(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Real images taken in turn from each shared data set, or generated ones when absent. */
async function sampleImages(count: number): Promise<{ files: string[]; source: string }> {
  const pools = SAMPLE_FOLDERS.map((name) => listImages(path.join(DATASETS, name)));
  const files: string[] = [];
  for (let i = 0; files.length < count && pools.some((pool) => i < pool.length); i++) {
    for (const pool of pools) if (pool[i] && files.length < count) files.push(pool[i] as string);
  }
  if (files.length > 0) return { files, source: `${DATASETS} (${SAMPLE_FOLDERS.join(', ')})` };
  return {
    files: await generateImages(count),
    source: 'generated noise images (no shared data sets)',
  };
}

async function generateImages(count: number): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'curio-bench-'));
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const file = path.join(dir, `image-${index}.jpg`);
      const pixels = Buffer.alloc(400 * 300 * 3).map((_, i) => (i * (index + 7)) % 251);
      await sharp(pixels, { raw: { width: 400, height: 300, channels: 3 } })
        .jpeg()
        .toFile(file);
      return file;
    }),
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function measureEmbedding(
  backbone: string,
  files: string[],
  workers: number,
  repeats: number,
  batchSize = 16,
): Promise<Row> {
  const rates: number[] = [];
  let used = 0;
  let backend = '';
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  for (let repeat = 0; repeat < repeats; repeat++) {
    const result = await embedFiles(files, { backbone, workers, batchSize });
    rates.push(result.imagesPerSecond);
    used = result.workers;
    backend = result.backend;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const coresUsed = (cpu.user + cpu.system) / 1000 / (performance.now() - startedAt);
  await releaseResidentBackbone();
  const spec = resolveBackbone(backbone);
  return {
    what: `${spec.id.split('@')[0]} ${spec.inputSize} px`,
    backend,
    workers: used === 0 ? 'in-process' : `${used} workers`,
    images: files.length,
    imagesPerSecond: median(rates),
    coresUsed,
  };
}

async function measureDecoding(files: string[]): Promise<Row> {
  const startedAt = performance.now();
  const inFlight = 4;
  for (let start = 0; start < files.length; start += inFlight) {
    await Promise.all(files.slice(start, start + inFlight).map((file) => readRgb(file, 224)));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  return {
    what: 'sharp decode → 224 px',
    backend: 'libvips',
    workers: '4 in flight',
    images: files.length,
    imagesPerSecond: files.length / seconds,
  };
}

/** The plain-JS cpu backend on a few images, to show what a silent fallback to it would cost. */
async function measureCpuBackend(files: string[]): Promise<Row> {
  const runtime = await selectBackend(candidatesFor('cpu'));
  const spec = resolveBackbone('mobilenet-v2');
  const backbone = await loadBackbone(spec, runtime);
  const batch = new Float32Array(files.length * floatsPerImage(spec));
  for (const [index, file] of files.entries()) {
    batch.set(await preprocessImage(file, spec), index * floatsPerImage(spec));
  }

  await backbone.embed(batch.subarray(0, floatsPerImage(spec)));
  const startedAt = performance.now();
  await backbone.embed(batch);
  const seconds = (performance.now() - startedAt) / 1000;
  backbone.dispose();
  return {
    what: 'mobilenet-v2 224 px',
    backend: 'cpu',
    workers: 'in-process',
    images: files.length,
    imagesPerSecond: files.length / seconds,
  };
}

interface TorchFigures {
  torch: string;
  one_thread: number;
  all_threads: number;
  threads: number;
}

function measureTorch(size: number): TorchFigures | string {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const run = spawnSync(python, [TORCH_SCRIPT, String(size)], { encoding: 'utf8' });
    const line = run.stdout?.trim().split('\n').at(-1);
    if (run.status === 0 && line) return JSON.parse(line) as TorchFigures;
  }
  return 'no python3 with torch (apt-get install -y python3-torch python3-torchvision)';
}

function printTable(rows: Row[]): void {
  const header = ['what', 'backend', 'workers', 'images', 'img/s', 'cores used'];
  const cells = rows.map((row) => [
    row.what,
    row.backend,
    row.workers,
    String(row.images),
    row.imagesPerSecond.toFixed(1),
    row.coresUsed === undefined ? '' : row.coresUsed.toFixed(2),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...cells.map((cell) => (cell[column] as string).length)),
  );
  const format = (cell: string[]) =>
    cell.map((value, column) => value.padEnd(widths[column] as number)).join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const cell of cells) console.log(format(cell));
}

function printTorchComparison(rows: Row[], torch: TorchFigures | string): void {
  if (typeof torch === 'string') return console.log(`\ntorch: ${torch}`);

  const tfjs = (workers: (w: string) => boolean) =>
    rows.find(
      (row) => row.what === 'mobilenet-v2 224 px' && row.backend !== 'cpu' && workers(row.workers),
    );
  const single = tfjs((w) => w === 'in-process');
  const pooled = tfjs((w) => w.endsWith('workers'));
  console.log(`\ntorch ${torch.torch}, MobileNetV2 224 px, random weights, CPU:`);
  const ratio = (tfjsRate: number | undefined, torchRate: number) =>
    ((tfjsRate ?? 0) / torchRate).toFixed(2);
  const oneThread = torch.one_thread.toFixed(1);
  const allThreads = torch.all_threads.toFixed(1);
  console.log(
    `  1 thread: ${oneThread} img/s; TF.js in-process / torch = ` +
      ratio(single?.imagesPerSecond, torch.one_thread),
  );
  console.log(
    `  ${torch.threads} threads: ${allThreads} img/s; TF.js pool / torch = ` +
      ratio(pooled?.imagesPerSecond, torch.all_threads),
  );
}

export async function run(args: string[]): Promise<void> {
  const count = option(args, 'images', 64);
  const repeats = option(args, 'repeats', 2);
  const pool = os.availableParallelism();
  const { files, source } = await sampleImages(count);
  const few = files.slice(0, Math.min(16, files.length));
  const load = () => os.loadavg()[0]?.toFixed(1);
  console.log(`${files.length} images from ${source}; median of ${repeats} runs.`);
  console.log(`${pool} CPUs; load average ${load()} at the start (others' jobs slow every row).\n`);

  const rows: Row[] = [await measureDecoding(files)];
  for (const backbone of ['mobilenet-v2', 'mobilenet-v2@128', 'mobilenet-v2-mid']) {
    rows.push(await measureEmbedding(backbone, files, 1, repeats));
    rows.push(await measureEmbedding(backbone, files, pool, repeats));
  }
  // InceptionV3 is about 8× slower: a few images in small batches so that the pool gets work.
  rows.push(await measureEmbedding('inception-v3', few, 1, 1, 4));
  rows.push(await measureEmbedding('inception-v3', few, pool, 1, 4));
  if (!args.includes('--no-cpu')) rows.push(await measureCpuBackend(files.slice(0, 4)));

  printTable(rows);
  console.log(`\nLoad average ${load()} at the end.`);
  if (!args.includes('--no-torch')) printTorchComparison(rows, measureTorch(224));
}
