import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openMigratedDatabase, type Db } from '@/db/client';
import { releaseLeases } from '@/lib/annotation/lease-repo';
import { nextQueueItems, QUEUE_KINDS, type QueueKind } from '@/lib/review/queue';

/**
 * Latency of one review-queue page (50 items, 10% random share, leases claimed) for each queue
 * kind on synthetic collections of 10k, 100k and 1M items, each with an active labeler and
 * classifier whose predictions and per-label scores cover every item. The databases are built
 * once with prepared statements in large transactions and kept in the temp folder between runs
 * (delete them, or pass --rebuild, to start over).
 *
 *   npm run bench -- review-queue [--sizes 10000,100000,1000000] [--samples 200] [--rebuild]
 */

const LABELS = 8;
const PAGE = 50;
const RANDOM_SHARE = 0.1;
/** Share of items already answered, which every queue has to step over. */
const ANNOTATED_SHARE = 0.05;
const FORMAT_VERSION = 1;

function argValue(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
}

/** A small seeded generator, so every build of a size holds the same data. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

interface BenchSetup {
  db: Db;
  collectionId: number;
  labelIds: number[];
  userId: number;
}

function insertModel(db: Db, collectionId: number, kind: string, labelIds: number[]): number {
  const result = db.$client
    .prepare(
      `insert into models (collection_id, kind, status, active, backbone, backend, label_ids,
                           thresholds, novelty_threshold, snapshot_annotation_id)
       values (?, ?, 'ready', 1, 'synthetic', 'none', ?, ?, 0.95, 0)`,
    )
    .run(
      collectionId,
      kind,
      JSON.stringify(labelIds),
      kind === 'labeler' ? JSON.stringify(labelIds.map(() => 0.5)) : null,
    );
  return Number(result.lastInsertRowid);
}

/** One item's synthetic answers: a latent label and confidence shared by both models. */
function synthesise(random: () => number) {
  const truth = Math.floor(random() * LABELS);
  const confidence = random();
  const labeler = Array.from({ length: LABELS }, (_, l) =>
    l === truth ? 0.3 + 0.7 * Math.sqrt(confidence) : random() * 0.4 * (1 - confidence),
  );
  const top = random() < 0.9 ? truth : Math.floor(random() * LABELS);
  const rest = (1 - (0.4 + 0.6 * confidence)) / (LABELS - 1);
  const classifier = Array.from({ length: LABELS }, (_, l) =>
    l === top ? 0.4 + 0.6 * confidence : rest,
  );
  return { labeler, classifier, top, novelty: random() ** 4 };
}

function build(file: string, itemCount: number): void {
  const db = openMigratedDatabase(file);
  const sqlite = db.$client;
  sqlite.pragma('synchronous = off');
  const random = mulberry32(itemCount);

  sqlite
    .prepare(
      `insert into users (email, name, password_hash, role) values ('bench@example.org', 'Bench', '-', 'reviewer')`,
    )
    .run();
  const collectionId = Number(
    sqlite
      .prepare(
        `insert into collections (slug, name, annotation_mode) values ('bench', 'Bench', 'multi')`,
      )
      .run().lastInsertRowid,
  );
  const insertLabel = sqlite.prepare(
    `insert into labels (collection_id, name, colour, position) values (?, ?, '#000000', ?)`,
  );
  const labelIds = Array.from({ length: LABELS }, (_, l) =>
    Number(insertLabel.run(collectionId, `label-${l}`, l).lastInsertRowid),
  );
  const labelerId = insertModel(db, collectionId, 'labeler', labelIds);
  const classifierId = insertModel(db, collectionId, 'classifier', labelIds);

  const insertItem = sqlite.prepare(
    `insert into items (collection_id, source_kind, source_uri, content_hash, file_path, mime_type,
                        size_bytes, width, height)
     values (?, 'folder', ?, ?, ?, 'image/jpeg', 1000, 100, 100)`,
  );
  const insertPrediction = sqlite.prepare(
    `insert into predictions (model_id, item_id, probabilities, predicted_label_ids, top_label_id,
                              top_probability, uncertainty, margin, novelty, is_novel, no_label)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertScore = sqlite.prepare(
    `insert into prediction_scores (model_id, item_id, label_id, probability, entropy, predicted)
     values (?, ?, ?, ?, ?, ?)`,
  );
  const insertAnnotation = sqlite.prepare(
    `insert into annotations (item_id, user_id, kind, source) values (?, null, 'none', 'import')`,
  );
  const setCurrent = sqlite.prepare('update items set current_annotation_id = ? where id = ?');

  const chunk = 20_000;
  for (let start = 0; start < itemCount; start += chunk) {
    sqlite.transaction(() => {
      for (let i = start; i < Math.min(itemCount, start + chunk); i++) {
        const hash = i.toString(16).padStart(64, '0');
        const itemId = Number(
          insertItem.run(collectionId, `bench/${i}.jpg`, hash, `items/1/${hash}.jpg`)
            .lastInsertRowid,
        );
        const s = synthesise(random);
        const predicted = s.labeler.map((p) => (p >= 0.5 ? 1 : 0));
        const labelerEntropy = s.labeler.map(binaryEntropy);
        const labelerTop = s.labeler.indexOf(Math.max(...s.labeler));
        insertPrediction.run(
          labelerId,
          itemId,
          JSON.stringify(s.labeler),
          JSON.stringify(labelIds.filter((_, l) => predicted[l] === 1)),
          labelIds[labelerTop],
          s.labeler[labelerTop],
          Math.max(...labelerEntropy),
          null,
          s.novelty,
          s.novelty > 0.95 ? 1 : 0,
          predicted.every((p) => p === 0) ? 1 : 0,
        );
        for (let l = 0; l < LABELS; l++) {
          insertScore.run(
            labelerId,
            itemId,
            labelIds[l],
            s.labeler[l],
            labelerEntropy[l],
            predicted[l],
          );
        }
        const entropy = -s.classifier.reduce((sum, p) => sum + (p > 0 ? p * Math.log2(p) : 0), 0);
        const sorted = [...s.classifier].sort((a, b) => b - a);
        insertPrediction.run(
          classifierId,
          itemId,
          JSON.stringify(s.classifier),
          JSON.stringify([labelIds[s.top]]),
          labelIds[s.top],
          sorted[0],
          entropy,
          sorted[0] - sorted[1],
          s.novelty,
          s.novelty > 0.95 ? 1 : 0,
          0,
        );
        for (let l = 0; l < LABELS; l++) {
          insertScore.run(
            classifierId,
            itemId,
            labelIds[l],
            s.classifier[l],
            binaryEntropy(s.classifier[l]),
            l === s.top ? 1 : 0,
          );
        }
        if (random() < ANNOTATED_SHARE) {
          setCurrent.run(insertAnnotation.run(itemId).lastInsertRowid, itemId);
        }
      }
    })();
  }
  sqlite.pragma('synchronous = normal');
  sqlite.exec('analyze');
  sqlite.close();
}

function open(file: string, itemCount: number, rebuild: boolean): BenchSetup {
  if (rebuild || !fs.existsSync(file)) {
    fs.rmSync(file, { force: true });
    const started = performance.now();
    build(`${file}.partial`, itemCount);
    fs.renameSync(`${file}.partial`, file);
    fs.rmSync(`${file}.partial-wal`, { force: true });
    fs.rmSync(`${file}.partial-shm`, { force: true });
    console.log(
      `built ${itemCount} items in ${((performance.now() - started) / 1000).toFixed(1)} s → ${file}`,
    );
  }
  const db = openMigratedDatabase(file);
  const collection = db.$client
    .prepare("select id from collections where slug = 'bench'")
    .get() as {
    id: number;
  };
  const labelIds = (
    db.$client
      .prepare('select id from labels where collection_id = ? order by position')
      .all(collection.id) as { id: number }[]
  ).map((row) => row.id);
  const user = db.$client.prepare('select id from users limit 1').get() as { id: number };
  return { db, collectionId: collection.id, labelIds, userId: user.id };
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function measure(setup: BenchSetup, queue: QueueKind, samples: number): number[] {
  const timings: number[] = [];
  for (let i = 0; i < samples; i++) {
    const label = setup.labelIds[i % setup.labelIds.length];
    const started = performance.now();
    const page = nextQueueItems(setup.db, {
      collectionId: setup.collectionId,
      userId: setup.userId,
      queue,
      label,
      count: PAGE,
      exclude: [],
      randomShare: RANDOM_SHARE,
    });
    timings.push(performance.now() - started);
    if (page.entries.length < PAGE) throw new Error(`The ${queue} queue returned a short page.`);
    // Not timed: give the page back so every sample sees the same queue.
    releaseLeases(setup.db, setup.userId);
  }
  return timings.sort((a, b) => a - b);
}

export async function run(args: string[]): Promise<void> {
  const sizes = argValue(args, '--sizes', '10000,100000,1000000').split(',').map(Number);
  const samples = Number(argValue(args, '--samples', '200'));
  const rebuild = args.includes('--rebuild');

  console.log(
    `page of ${PAGE}, random share ${RANDOM_SHARE}, ${LABELS} labels, ` +
      `${ANNOTATED_SHARE * 100}% of items answered, ${samples} samples per cell (ms)`,
  );
  const table = ['| items | queue | p50 | p95 | p99 |', '|---:|---|---:|---:|---:|'];
  for (const size of sizes) {
    const file = path.join(os.tmpdir(), `curio-bench-review-v${FORMAT_VERSION}-${size}.sqlite`);
    const setup = open(file, size, rebuild);
    try {
      for (const queue of QUEUE_KINDS) {
        measure(setup, queue, 5);
        const timings = measure(setup, queue, samples);
        const cells = [0.5, 0.95, 0.99].map((q) => percentile(timings, q).toFixed(2));
        table.push(`| ${size} | ${queue} | ${cells.join(' | ')} |`);
      }
    } finally {
      setup.db.$client.close();
    }
  }
  console.log(table.join('\n'));
}
